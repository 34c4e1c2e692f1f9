"""The claims service's domain rules worth testing alone: pure functions, no database and no HTTP — the tariffs'
arithmetic, eligibility from weeks of hours, sampling, shares of money."""
