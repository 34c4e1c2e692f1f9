"""`scx`: run the local stack with demo data, mint development tokens, load the demo, benchmark."""

from __future__ import annotations

import shutil
import signal
import time
from pathlib import Path
from typing import Annotated

import typer

from scx_cli import dead_letters, demo
from scx_cli.stack import DEFAULT_SERVICES, LocalStack, ServiceSpec, repo_root
from scx_servicekit.auth import ROLES

app = typer.Typer(help="scx: the shared system for outcome-based employment-support contracting.", no_args_is_help=True)

app.add_typer(dead_letters.app, name="dead-letters")

DataDir = Annotated[Path, typer.Option(help="where databases, the JetStream store and logs live")]


def _default_data() -> Path:
    return repo_root() / "data"


@app.command()
def up(
    data_dir: DataDir = Path(),
    nats_port: Annotated[int, typer.Option()] = 4222,
    subcontracts_port: Annotated[int, typer.Option()] = 8001,
    referral_port: Annotated[int, typer.Option()] = 8002,
    load_demo: Annotated[bool, typer.Option("--demo/--no-demo", help="load the demo data (once)")] = True,
) -> None:
    """Start NATS and every service with demo data, print URLs and tokens; Ctrl-C stops everything."""
    data_dir = data_dir if str(data_dir) not in ("", ".") else _default_data()
    services = [ServiceSpec("subcontracts", subcontracts_port), ServiceSpec("referral", referral_port)]
    stack = LocalStack(data_dir=data_dir, services=services, nats_port=nats_port)
    stopping = False

    def _stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    # Both, explicitly: a shell that starts us in the background hands down SIGINT ignored.
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        typer.echo(f"starting nats-server on {nats_port} (JetStream store in {data_dir / 'nats'}) ...")
        stack.start()
        loader = demo.DemoLoader(services[0].url, services[1].url)
        if load_demo and not loader.already_loaded():
            typer.echo("loading the demo ...")
            loader.load()
        _print_banner(stack)
        while not stopping:
            gone = stack.dead()
            if gone:
                typer.echo(f"{', '.join(gone)} stopped unexpectedly; see {stack.logs}", err=True)
                raise typer.Exit(1)
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        typer.echo("stopping ...")
        stack.stop()


def _print_banner(stack: LocalStack) -> None:
    assert stack.nats is not None
    typer.echo("")
    typer.echo("scx is up. Ctrl-C stops everything.")
    typer.echo(f"  nats          {stack.nats.url}  (stream SCX, subjects scx.>)")
    for spec in stack.services:
        typer.echo(f"  {spec.name:<13} {spec.url}   docs: {spec.url}/docs")
    typer.echo(f"  logs          {stack.logs}")
    typer.echo("")
    typer.echo("Tokens (12 hours; `scx token ORG` makes more):")
    for org, token in demo.tokens().items():
        typer.echo(f"  export TOKEN_{org.upper().replace('-', '_')}={token}")


@app.command()
def token(
    organisation_id: Annotated[str, typer.Argument(help="e.g. prime-northstar; demo organisations need nothing else")],
    kind: Annotated[str | None, typer.Option(help="dwp | jcp | prime | partner")] = None,
    role: Annotated[list[str] | None, typer.Option(help="repeatable; default: the kind's first role")] = None,
    hours: Annotated[float, typer.Option()] = 12.0,
    user: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Print a development token (HS256, the local signing secret) naming one organisation."""
    from datetime import timedelta

    known = {o.organisation_id: o for o in demo.ORGANISATIONS}
    if kind is None:
        if organisation_id not in known:
            raise typer.BadParameter("not a demo organisation: give --kind", param_hint="--kind")
        kind = known[organisation_id].kind
    if kind not in ROLES:
        raise typer.BadParameter(f"kind must be one of {', '.join(ROLES)}", param_hint="--kind")
    roles = role or ([known[organisation_id].role] if organisation_id in known else [ROLES[kind][0]])
    typer.echo(demo.dev_issuer().issue(organisation_id, kind, roles, user=user, lifetime=timedelta(hours=hours)))


@app.command("load-demo")
def load_demo_command(
    subcontracts_url: str = DEFAULT_SERVICES[0].url, referral_url: str = DEFAULT_SERVICES[1].url
) -> None:
    """Load the demo into a running stack (`scx up` does this itself the first time)."""
    loader = demo.DemoLoader(subcontracts_url, referral_url)
    if loader.already_loaded():
        typer.echo("the demo is already loaded")
        return
    result = loader.load()
    typer.echo(f"loaded {len(result['referrals'])} referrals under {len(result['contracts'])} contracts")


@app.command()
def down(data_dir: DataDir = Path()) -> None:
    """Remove local data: databases, the JetStream store and logs (stop `scx up` first)."""
    data_dir = data_dir if str(data_dir) not in ("", ".") else _default_data()
    if data_dir.exists():
        shutil.rmtree(data_dir)
        typer.echo(f"removed {data_dir}")
    else:
        typer.echo("nothing to remove")


@app.command()
def bench(
    levels: Annotated[str, typer.Option(help="concurrency levels, comma-separated")] = "1,4,16,32",
    seconds: Annotated[float, typer.Option(help="how long each level runs (ours)")] = 8.0,
    journeys: Annotated[int, typer.Option(help="a fixed number of journeys per level instead of --seconds")] = 0,
    warmup: Annotated[int, typer.Option(help="unmeasured journeys before the first level")] = 30,
    lag_samples: Annotated[int, typer.Option(help="partners registered and subcontracted to time the read model")]
    = 10,
    output: Annotated[Path | None, typer.Option(help="write the report (markdown) here, e.g. docs/benchmarks.md")]
    = None,
    keep_data: Annotated[bool, typer.Option(help="keep the bench's databases and logs")] = False,
    baseline_engine: Annotated[
        str, typer.Option(help="the baseline's SQLite engine: stock (SQLAlchemy's aiosqlite) or inline (scx's)")
    ] = "stock",
) -> None:
    """Refer → start → allocate at rising concurrency against a stack of its own, beside a bare FastAPI
    insert-and-publish endpoint; prints requests/s, p50/p99 latency, event and read-model lag, and the ratio."""
    from scx_cli import bench as benchmark

    try:
        parsed = tuple(int(x) for x in levels.split(",") if x.strip())
    except ValueError:
        raise typer.BadParameter("comma-separated integers, e.g. 1,4,16,32", param_hint="--levels") from None
    if not parsed or min(parsed) < 1:
        raise typer.BadParameter("at least one level, each at least 1", param_hint="--levels")
    if baseline_engine not in ("stock", "inline"):
        raise typer.BadParameter("stock or inline", param_hint="--baseline-engine")
    options = benchmark.BenchOptions(
        levels=parsed, seconds=seconds, journeys=journeys, warmup=warmup, lag_samples=lag_samples,
        baseline_engine=baseline_engine,
    )
    report = benchmark.run_bench(options, echo=typer.echo, keep_data=keep_data)
    typer.echo("")
    typer.echo(benchmark.table(report))
    typer.echo(benchmark.cpu_table(report))
    for line in [*benchmark.lag_lines(report), *benchmark.reading(report)]:
        typer.echo(line)
    if output is not None:
        benchmark.write_report(report, output)
        typer.echo(f"\nwrote {output}")


@app.command("bench-events")
def bench_events(
    backlog: Annotated[int, typer.Option(help="events in the stream before the service starts")] = 100_000,
    rates: Annotated[str, typer.Option(help="events/s for commit → applied, comma-separated")] = "100,500,1000",
    seconds: Annotated[float, typer.Option(help="how long each rate runs")] = 10.0,
    output: Annotated[Path | None, typer.Option(help="write (or replace) its section of this markdown file")] = None,
    keep_data: Annotated[bool, typer.Option(help="keep the bench's databases and logs")] = False,
) -> None:
    """Events applied per second from a backlog, a new consumer's catch-up, commit → applied p50/p99 by rate."""
    from scx_cli import bench_events as bench

    options = bench.EventsBenchOptions(backlog, tuple(int(r) for r in rates.split(",") if r.strip()), seconds)
    report = bench.run_events_bench(options, typer.echo, keep_data=keep_data)
    typer.echo(bench.section(report))
    if output is not None:
        bench.write_section(report, output)


if __name__ == "__main__":
    app()
