"""`scx bench-figures`: issue 11's reports timed on a national year. `journeys` and `registry` make the year, `returns`
its partners' weekly returns, `projection` the history's rows the service would make of it, `loader` writes them;
`reports` and `timing` time the report routes, `run` puts it together and `section` writes docs/benchmarks.md."""
