"""The case tracking service's domain rules worth testing alone: pure functions, no database and no HTTP."""
