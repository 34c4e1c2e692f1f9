"""The audit service's use cases: one function per thing a user does, `(uow, principal, *, ...)` with
keyword-only arguments after those two. They check access (`access.py`), apply the rules (`rules.py`), record
events (`uow.record`) and read and write through `repository.py`; they never commit."""

from __future__ import annotations
