"""Every statement the claims service makes, one module per area. Each function takes the unit of work first
(`uow`), then keyword-only arguments, and returns records; this package is the only code that touches
`uow.session` (ADR 0013)."""
