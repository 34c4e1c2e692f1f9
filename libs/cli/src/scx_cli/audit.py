"""`scx audit export` and `scx audit verify`: the ledger, a range of it or one claimant's journey written to a file
with the checkpoints that vouch for it, and that file checked offline with nothing but the log's public key.

Export reads the running audit service over HTTP with a DWP auditor's token (ADR 0019): through the same proofs and
access checks anyone else uses, with no knowledge of the service's tables and no database credentials; the file is
then only as trustworthy as the signatures in it, which `verify` checks. Both use `scx_ledger`, never the service.
"""

from __future__ import annotations

import base64
import contextlib
import json
import sys
from collections.abc import Iterator
from dataclasses import asdict
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from scx_cli import manifest

if TYPE_CHECKING:
    import httpx

    from scx_ledger.export import Entry

app = typer.Typer(help="The audit ledger: export it, verify an export offline.", no_args_is_help=True)
PAGE = 1000

Url = Annotated[str | None, typer.Option(help="the audit service (default: its port in services.toml)")]
Token = Annotated[str | None, typer.Option(help="a DWP auditor's bearer token (default: a development one)",
                                           envvar="SCX_AUDIT_TOKEN")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="no output: the exit code says it all")]
AsJson = Annotated[bool, typer.Option("--json", help="one JSON object on stdout, for scripts")]


def _client(url: str | None, token: str | None) -> httpx.Client:
    import httpx

    from scx_cli import demo

    if url is None:
        url = next(f"http://127.0.0.1:{s.port}" for s in manifest.load().services if s.name == "audit")
    token = token or demo.dev_issuer().issue("dwp", "dwp", ["auditor"], user="scx-cli-auditor")
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=60)


def _get(http: httpx.Client, path: str, method: str = "GET", **options: Any) -> Any:
    import httpx

    try:
        response = http.request(method, path, **options)
    except httpx.HTTPError as exc:
        typer.echo(f"cannot reach {http.base_url}: {exc}", err=True)
        raise typer.Exit(2) from None
    if not response.is_success:
        try:
            message = response.json().get("detail") or response.text
        except ValueError:
            message = response.text
        typer.echo(f"{response.status_code} from {path}: {message}", err=True)
        raise typer.Exit(2)
    return response.json()


def _b64(text: str) -> bytes:
    return base64.b64decode(text)


@contextlib.contextmanager
def _progress(quiet: bool, label: str) -> Iterator[Any]:
    if quiet:
        yield lambda done, total: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  transient=True, console=_console()) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None)

        yield update


def _console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


def _checkpoint_header(http: httpx.Client, kind: str, sizes: list[int] | None) -> tuple[Any, list[dict[str, Any]]]:
    """The header: every checkpoint (or those of `sizes`), with a consistency proof between each and the one before."""
    from scx_ledger.export import Header

    found: list[dict[str, Any]] = []
    while True:
        page = _get(http, "/checkpoints", params={"from_size": found[-1]["tree_size"] + 1 if found else 0,
                                                  "limit": 1000})
        found += page
        if len(page) < 1000:
            break
    if sizes is not None:
        found = [c for c in found if c["tree_size"] in set(sizes)]
    header = Header(origin="", kind=kind, checkpoints=[c["checkpoint"] for c in found])
    header.origin = header.checkpoints[0].split("\n", 1)[0] if header.checkpoints else ""
    for old, new in pairwise(found):
        proof = _get(http, "/proofs/consistency", params={"first": old["tree_size"], "second": new["tree_size"]})
        header.consistency[(old["tree_size"], new["tree_size"])] = [_b64(h) for h in proof["consistency"]]
    return header, found


@app.command("export")
def export(
    output: Annotated[Path, typer.Argument(help="the file to write ('-' for stdout)")],
    journey: Annotated[str | None, typer.Option(help="one journey (referral id), with inclusion proofs")] = None,
    claimant_ref: Annotated[str | None, typer.Option(help="one claimant's events, with inclusion proofs")] = None,
    nino: Annotated[bool, typer.Option("--nino", help="one claimant's events by NI number (asked for, not echoed)")]
    = False,
    start: Annotated[int, typer.Option("--from", min=0, help="the ledger from this entry on (a range)")] = 0,
    url: Url = None,
    token: Token = None,
    quiet: Quiet = False,
    as_json: AsJson = False,
) -> None:
    """Write the ledger (or a range of it, or one journey with inclusion proofs) and its checkpoints to a file."""
    from scx_ledger.export import Entry, write

    with _client(url, token) as http:
        if journey or claimant_ref or nino:
            entries, sizes = _journey(http, journey, claimant_ref, nino)
            header, _ = _checkpoint_header(http, "entries", sizes)
        else:
            header, found = _checkpoint_header(http, "range" if start else "full", None)
            if not found:
                typer.echo("the ledger has no signed checkpoint yet", err=True)
                raise typer.Exit(2)
            size = found[-1]["tree_size"]
            if start >= size:
                raise typer.BadParameter(f"the latest checkpoint covers {size} entries", param_hint="--from")
            if start:
                header.prefix_start, header.prefix = start, _prefix(http, start, size)
            entries = []
            with _progress(quiet or as_json, "exporting") as progress:
                for first in range(start, size, PAGE):
                    page = _get(http, "/leaves", params={"start": first, "end": min(first + PAGE, size)})
                    entries += [Entry(e["leaf_index"], e["stream_sequence"], _b64(e["leaf_hash"]),
                                      _b64(e["leaf_input"])) for e in page["entries"]]
                    progress(len(entries), size - start)
    with (contextlib.nullcontext(sys.stdout) if str(output) == "-" else output.open("w", encoding="ascii")) as out:
        count = write(out, header, entries)
    summary = {"file": str(output), "kind": header.kind, "entries": count, "checkpoints": len(header.checkpoints)}
    if as_json:
        typer.echo(json.dumps(summary))
    elif not quiet and str(output) != "-":
        typer.echo(f"wrote {count} entries and {len(header.checkpoints)} checkpoints to {output}", err=True)


def _prefix(http: httpx.Client, start: int, size: int) -> list[bytes]:
    """The perfect subtrees before `start`: the left-hand hashes of the inclusion proof of entry `start`."""
    from scx_ledger.merkle import inclusion_ranges

    proof = _get(http, "/proofs/inclusion", params={"tree_size": size, "leaf_index": start})["audit_path"]
    left = [(r, _b64(h)) for r, h in zip(inclusion_ranges(start, size), proof, strict=True) if r[1] <= start]
    return [h for _, h in sorted(left)]


def _journey(http: httpx.Client, journey: str | None, ref: str | None, nino: bool) -> tuple[list[Entry], list[int]]:
    from scx_ledger.export import Entry

    body: dict[str, Any] | None = None
    params: dict[str, Any] = {"proofs": "true", "limit": 500}
    if nino:
        number = typer.prompt("NI number", hide_input=True)
        body = {"national_insurance_number": number, "proofs": True}
        params = {"limit": 500}
    elif journey:
        params["journey_id"] = journey
    else:
        params["claimant_ref"] = ref
    entries: list[Entry] = []
    sizes: set[int] = set()
    cursor = None
    while True:
        page_params = {**params, **({"cursor": cursor} if cursor else {})}
        if body is not None:
            page = _get(http, "/events/by-nino", method="POST", params=page_params, json=body)
        else:
            page = _get(http, "/events", params=page_params)
        size = page["checkpoint"]["tree_size"]
        sizes.add(size)
        entries += [Entry(e["leaf_index"], e["stream_sequence"], _b64(e["leaf_hash"]), _b64(e["leaf_input"]), size,
                          tuple(_b64(h) for h in e["audit_path"])) for e in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            return entries, sorted(sizes)


@app.command("verify")
def verify(
    export_file: Annotated[Path, typer.Argument(help="an export written by `scx audit export`", exists=True,
                                                dir_okay=False)],
    key: Annotated[str, typer.Option(help="the log's verifier key (GET /public-key), or @FILE holding it")],
    checkpoint: Annotated[Path | None, typer.Option(help="a signed checkpoint you already hold (GET /checkpoint): "
                                                         "the export must reach it and agree", exists=True)] = None,
    quiet: Quiet = False,
    as_json: AsJson = False,
) -> None:
    """Check an export offline with the public key alone: every checkpoint's signature and consistency, the tree the
    entries make (or each inclusion proof), and name the first entry that is wrong. Exit 0 if it holds, 1 if not."""
    from scx_ledger.checkpoint import Checkpoint, CheckpointError
    from scx_ledger.note import NoteError, Verifier
    from scx_ledger.verify import verify_export

    try:
        verifier = Verifier.parse(Path(key[1:]).read_text() if key.startswith("@") else key)
        known = Checkpoint.open(checkpoint.read_text(), verifier) if checkpoint else None
    except (NoteError, CheckpointError, OSError) as exc:
        typer.echo(f"cannot use the key or checkpoint: {exc}", err=True)
        raise typer.Exit(2) from None
    with export_file.open(encoding="ascii", errors="replace") as lines, _progress(quiet or as_json,
                                                                                  "verifying") as progress:
        report = verify_export(lines, verifier, known=known, progress=progress)
    if as_json:
        typer.echo(json.dumps(asdict(report)))
    elif not quiet:
        if report.ok:
            typer.echo(f"OK: {report.entries} entries, {report.checkpoints} checkpoints verified; tree size "
                       f"{report.tree_size}, root {report.root}")
        else:
            typer.echo(f"FAILED: {report.problem}")
        for warning in report.warnings:
            typer.echo(f"warning: {warning}", err=True)
    raise typer.Exit(0 if report.ok else 1)
