"""The claims service's use cases, one module per area: one function per thing a user does,
`(uow, principal, *, ...)` with keyword-only arguments after those two. They check access (`access.py`), apply the
rules (`rules/`), record events through `events.record` and read and write through `repository/`; they never
commit (the request's unit of work does, in one place)."""
