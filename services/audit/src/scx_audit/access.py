"""Who may do what in the audit service: checks of a `Principal` that raise a problem when it may not."""

from __future__ import annotations
