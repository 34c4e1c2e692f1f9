"""The shapes of the claims API's requests and responses (pydantic models), one module per area, kept apart from
the tables. Requests forbid unknown fields and bound every field (`scx_servicekit.strict`). Money is integer
pence."""
