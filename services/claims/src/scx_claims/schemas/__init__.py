"""The shapes of the claims API's requests and responses (pydantic models), one module per area, kept apart from
the tables. Requests forbid unknown fields and bound every field (`scx_servicekit.strict`). Money is integer
pence."""

from __future__ import annotations

from typing import Annotated

from pydantic import Strict, StringConstraints

# A month of money (YYYY-MM), from year 1000: the date arithmetic of runs and samples needs a real year either side.
Period = Annotated[str, Strict(), StringConstraints(max_length=7, pattern=r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$")]
