"""`scx`: run the local stack with demo data, mint development tokens, load the demo, benchmark.

Each command imports what it needs when it runs: `scx token` is typed into shells and scripts, and must not wait
for the web framework, the database layer and the NATS client to load.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from scx_cli import audit, dead_letters, manifest

if TYPE_CHECKING:
    from scx_cli.demo import DemoLoader
    from scx_cli.stack import LocalStack, ServiceSpec

app = typer.Typer(help="scx: the shared system for outcome-based employment-support contracting.", no_args_is_help=True)
manifest_app = typer.Typer(help="services.toml, the one list of services, and the files rendered from it.")
app.add_typer(manifest_app, name="manifest")

app.add_typer(dead_letters.app, name="dead-letters")
app.add_typer(audit.app, name="audit")

DataDir = Annotated[Path, typer.Option(help="where databases, the JetStream store and logs live")]
Ports = Annotated[
    list[str] | None,
    typer.Option("--port", help="NAME=PORT: run a service on another port than services.toml's (repeatable)"),
]


def _default_data() -> Path:
    return manifest.find_root() / "data"


def _parse_ports(given: list[str] | None) -> dict[str, int]:
    ports: dict[str, int] = {}
    for item in given or []:
        name, _, port = item.partition("=")
        if not name or not port.isdigit() or not 1 <= int(port) <= 65535:
            raise typer.BadParameter(f"{item!r}: expected NAME=PORT, PORT 1-65535, e.g. referral=9002",
                                     param_hint="--port")
        ports[name.strip()] = int(port)
    return ports


def _check_ports(nats_port: int, services: list[ServiceSpec]) -> None:
    """Each process its own port: two on one would pass the free-port check apart, then crash-loop together."""
    wanted = [("nats-server", nats_port), *((spec.name, spec.port) for spec in services)]
    if not 1 <= nats_port <= 65535:
        raise typer.BadParameter(f"{nats_port}: a port is 1-65535", param_hint="--nats-port")
    by_port: dict[int, list[str]] = {}
    for what, port in wanted:
        by_port.setdefault(port, []).append(what)
    shared = {port: names for port, names in by_port.items() if len(names) > 1}
    if shared:
        clash = "; ".join(f"{' and '.join(names)} on {port}" for port, names in shared.items())
        raise typer.BadParameter(f"one port each: {clash}", param_hint="--port")


def _demo_loader(services: list[ServiceSpec]) -> DemoLoader | None:
    """The demo fills the registry and the referral journey, and the journeys after it where case tracking runs;
    without the first two there is nothing to load."""
    from scx_cli import demo

    urls = {spec.name: spec.url for spec in services}
    if "subcontracts" not in urls or "referral" not in urls:
        return None
    return demo.DemoLoader(urls["subcontracts"], urls["referral"], urls.get("case_tracking"), urls.get("claims"))


@app.command()
def up(
    data_dir: DataDir = Path(),
    nats_port: Annotated[int, typer.Option()] = 4222,
    port: Ports = None,
    load_demo: Annotated[bool, typer.Option("--demo/--no-demo", help="load the demo data (once)")] = True,
) -> None:
    """Start NATS and every service in services.toml with demo data, print URLs and tokens; Ctrl-C stops everything.

    A process that dies is started again after a back-off while the rest keep running. It refuses to start when
    another stack holds the data folder or any of the ports."""
    from scx_cli.claim import StackBusy
    from scx_cli.stack import LocalStack, service_specs
    from scx_cli.supervise import Supervisor

    data_dir = data_dir if str(data_dir) not in ("", ".") else _default_data()
    services = service_specs(manifest.load(), _parse_ports(port))
    _check_ports(nats_port, services)
    stack = LocalStack(data_dir=data_dir, services=services, nats_port=nats_port)
    try:
        stack.claim()
    except StackBusy as exc:
        typer.echo(f"scx up will not start: {exc}", err=True)
        raise typer.Exit(1) from None
    stopping = False

    def _stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    # Explicitly: a shell that starts us in the background hands down SIGINT ignored; a closed terminal sends
    # SIGHUP, which would otherwise end us without stopping what we started.
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGHUP, _stop)
    try:
        typer.echo(f"starting nats-server on {nats_port} (JetStream store in {data_dir / 'nats'}) ...")
        stack.start()
        loader = _demo_loader(services)
        if load_demo and loader is not None and not loader.already_loaded():
            typer.echo("loading the demo ...")
            loader.load()
        _print_banner(stack)
        supervisor = Supervisor(stack, echo=lambda line: typer.echo(f"{time.strftime('%H:%M:%S')} {line}", err=True))
        while not stopping:
            supervisor.tick()
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        typer.echo("stopping ...")
        stack.stop()


def _print_banner(stack: LocalStack) -> None:
    from scx_cli import demo

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

    from scx_cli import demo
    from scx_servicekit.tokens import ROLES

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
    subcontracts_url: Annotated[str | None, typer.Option(help="default: services.toml's port")] = None,
    referral_url: Annotated[str | None, typer.Option(help="default: services.toml's port")] = None,
    case_tracking_url: Annotated[str | None, typer.Option(help="default: services.toml's port")] = None,
    claims_url: Annotated[str | None, typer.Option(help="default: services.toml's port")] = None,
) -> None:
    """Load the demo into a running stack (`scx up` does this itself the first time)."""
    from scx_cli import demo

    listed = manifest.load()
    loader = demo.DemoLoader(
        subcontracts_url or listed.service("subcontracts").url, referral_url or listed.service("referral").url,
        case_tracking_url or listed.service("case_tracking").url, claims_url or listed.service("claims").url,
    )
    if loader.already_loaded():
        typer.echo("the demo is already loaded")
        return
    result = loader.load()
    typer.echo(f"loaded {len(result['referrals'])} referrals under {len(result['contracts'])} contracts, and "
               f"{len(result['cases'])} journeys in case tracking"
               + (", and a payment run flowed down to the partners" if "run" in result else ""))


@app.command()
def down(data_dir: DataDir = Path()) -> None:
    """Remove local data: databases, the JetStream store and logs (stop `scx up` first). Only what a stack writes
    is removed, and only while no process of a stack runs on the folder."""
    from scx_cli.claim import StackBusy, remove_data

    data_dir = data_dir if str(data_dir) not in ("", ".") else _default_data()
    if not data_dir.exists():
        typer.echo("nothing to remove")
        return
    try:
        removed = remove_data(data_dir)
    except StackBusy as exc:
        typer.echo(f"scx down will not remove {data_dir}: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"removed {data_dir}" if removed else f"nothing of a stack's to remove in {data_dir}")


@app.command()
def bench(
    levels: Annotated[str, typer.Option(help="concurrency levels, comma-separated")] = "1,4,16,32",
    seconds: Annotated[float, typer.Option(help="how long each level runs (ours)")] = 8.0,
    journeys: Annotated[int, typer.Option(help="a fixed number of journeys per level instead of --seconds")] = 0,
    warmup: Annotated[int, typer.Option(help="unmeasured journeys before the first level")] = 30,
    lag_samples: Annotated[int, typer.Option(help="partners registered and subcontracted to time the read model")]
    = 10,
    case_requests: Annotated[int, typer.Option(help="attended appointments per level (case tracking's write path)")]
    = 400,
    output: Annotated[Path | None, typer.Option(help="write the report (markdown) here, e.g. docs/benchmarks.md")]
    = None,
    keep_data: Annotated[bool, typer.Option(help="keep the bench's databases and logs")] = False,
    baseline_engine: Annotated[
        str, typer.Option(help="the baseline's SQLite engine: stock (SQLAlchemy's aiosqlite) or inline (scx's)")
    ] = "stock",
) -> None:
    """Refer → start → allocate, then case tracking's attended appointment, at rising concurrency against a stack of
    its own, beside a bare FastAPI insert-and-publish endpoint; prints requests/s, p50/p99 latency, event and
    read-model lag, and the ratio."""
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
        baseline_engine=baseline_engine, case_requests=case_requests,
    )
    report = benchmark.run_bench(options, echo=typer.echo, keep_data=keep_data)
    typer.echo("")
    typer.echo(benchmark.table(report))
    typer.echo(benchmark.cpu_table(report))
    for line in [*benchmark.lag_lines(report), *benchmark.reading(report), *benchmark.case_tracking_section(report)]:
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


@app.command("bench-audit")
def bench_audit(
    backlog: Annotated[int, typer.Option(help="events in the stream before the audit service starts")] = 100_000,
    ledger_size: Annotated[int, typer.Option(help="events in the ledger the journey query runs on",
                                             envvar="AUDIT_LEDGER_SIZE")] = 1_000_000,
    queries: Annotated[int, typer.Option(help="journeys queried, for each kind of query")] = 2000,
    verify_size: Annotated[int, typer.Option(help="events in the export `scx audit verify` checks")] = 1_000_000,
    only: Annotated[str, typer.Option(help="some of: ingest,query,verify")] = "ingest,query,verify",
    cache: Annotated[Path | None, typer.Option(help="keep built ledgers here and reuse them (same size and "
                                                    "migrations)")] = None,
    output: Annotated[Path | None, typer.Option(help="write (or replace) its section of this markdown file")] = None,
    keep_data: Annotated[bool, typer.Option(help="keep the bench's databases, exports and logs")] = False,
) -> None:
    """The audit ledger: ingest from a backlog (events/s), the auditor's journey query on a big ledger (p50/p99),
    and `scx audit verify` of a big export (seconds)."""
    from scx_cli import bench_audit as bench
    from scx_cli.bench_audit_report import AuditBenchOptions, section, write_section

    parts = tuple(p.strip() for p in only.split(",") if p.strip())
    if not parts or set(parts) - {"ingest", "query", "verify"}:
        raise typer.BadParameter("some of ingest, query, verify", param_hint="--only")
    options = AuditBenchOptions(backlog, ledger_size, queries, verify_size, cache)
    report = bench.run_audit_bench(options, typer.echo, parts=parts, keep_data=keep_data)
    typer.echo(section(report))
    if output is not None:
        write_section(report, output)


@app.command("bench-claims")
def bench_claims(
    referrals: Annotated[int, typer.Option(help="referrals in the contract's year")] = 40_000,
    output: Annotated[Path | None, typer.Option(help="write (or replace) its section of this markdown file")] = None,
    keep_data: Annotated[bool, typer.Option(help="keep the bench's databases and logs")] = False,
) -> None:
    """A payment run over a year of a large contract: its time, and the rerun's identical digest and statement."""
    from scx_cli import bench_claims as bench

    report = bench.run_claims_bench(bench.ClaimsBenchOptions(referrals=referrals), typer.echo, keep_data=keep_data)
    if output is not None:
        bench.write_section(report, output)


@app.command("bench-figures")
def bench_figures(
    referrals: Annotated[int, typer.Option(help="referrals in the national year")] = 700_000,
    seed: Annotated[int, typer.Option(help="the generator's seed: one seed, one year")] = 20261201,
    requests: Annotated[int, typer.Option(help="timed requests to each report (after 20 unmeasured)")] = 200,
    cache: Annotated[Path | None, typer.Option(help="keep the loaded database in this folder and reuse it")] = None,
    output: Annotated[Path | None, typer.Option(help="write (or replace) its section of this markdown file")] = None,
    keep_data: Annotated[bool, typer.Option(help="keep the bench's database and logs (without --cache)")] = False,
) -> None:
    """Each report of issue 11 (returns, reconciliation, performance, flows, health) timed on a national year."""
    from scx_cli.bench_figures.run import run_figures_bench
    from scx_cli.bench_figures.section import FiguresBenchOptions, section, write_section

    options = FiguresBenchOptions(referrals=referrals, seed=seed, requests=requests, cache=cache)
    report = run_figures_bench(options, typer.echo, keep_data=keep_data)
    typer.echo(section(report))
    if output is not None:
        write_section(report, output)


@app.command("new-service")
def new_service(
    name: Annotated[str, typer.Argument(help="lower_case Python identifier: folder services/NAME, package scx_NAME")],
    port: Annotated[int | None, typer.Option(help="default: the next port after services.toml's highest")] = None,
    owns: Annotated[str, typer.Option(help="what it owns, for services.toml and the README's table")] = "",
) -> None:
    """Generate services/NAME from the template, list it in services.toml and re-render the files that list services."""
    from scx_cli import newservice

    try:
        service, written = newservice.create(manifest.find_root(), name, port=port, owns=owns)
    except manifest.ManifestError as exc:
        raise typer.BadParameter(str(exc), param_hint="NAME") from None
    typer.echo(f"created {service.folder}/ ({service.package}, port {service.port}) and listed it in services.toml")
    for path in written:
        typer.echo(f"wrote {path}")
    typer.echo("next: `make install`, then read docs/adding-a-service.md")


@manifest_app.command("sync")
def manifest_sync(
    check: Annotated[bool, typer.Option(help="write nothing; exit 1 if a rendered file is out of date")] = False,
) -> None:
    """Re-render every file that lists the services (compose, deploy/, import contracts, README) from services.toml."""
    from scx_cli import render

    listed = manifest.load()
    if check:
        stale = render.stale(listed)
        for path in stale:
            typer.echo(f"out of date: {path} (run `scx manifest sync`)", err=True)
        raise typer.Exit(1 if stale else 0)
    written = render.sync(listed)
    for path in written:
        typer.echo(f"wrote {path}")
    if not written:
        typer.echo("every rendered file is up to date")


@manifest_app.command("show")
def manifest_show() -> None:
    """List the services: name, port, settings prefix and the events each consumes."""
    for service in manifest.load().services:
        consumes = ", ".join(service.consumes) or "nothing"
        typer.echo(f"{service.name:<16} {service.port:<6} {service.settings_prefix:<22} consumes {consumes}")


if __name__ == "__main__":
    app()
