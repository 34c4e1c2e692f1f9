"""Every statement the audit service makes. Each function takes the unit of work first (`uow`), then
keyword-only arguments, and returns records; this is the only module that touches `uow.session` (ADR 0013)."""

from __future__ import annotations
