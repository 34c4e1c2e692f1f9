"""`scx dead-letters list|replay SERVICE [ID]`: an operator's view of a service's dead letters, through its API.

It calls the service's `/operations/dead-letters` routes with a development token for a DWP operator, signed like
`scx token`'s; against a production deployment, pass a real operator token with --token.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from scx_cli import manifest

if TYPE_CHECKING:
    import httpx

app = typer.Typer(help="List a service's dead letters, or replay one after a fix.", no_args_is_help=True)

PAGE = 500
Service = Annotated[str, typer.Argument(help="a service named in services.toml")]
Url = Annotated[str | None, typer.Option(help="the service's base URL (default: where `scx up` runs it)")]
Token = Annotated[str | None, typer.Option(envvar="SCX_OPERATOR_TOKEN", help="default: a development token")]


def client(service: str, url: str | None, token: str | None) -> httpx.Client:
    import httpx  # here, not at the top: `scx token` loads this module and must stay fast

    from scx_cli import demo

    if url is None:
        known = {s.name: f"http://127.0.0.1:{s.port}" for s in manifest.load().services}
        if service not in known:
            raise typer.BadParameter(f"unknown service {service!r}: one of {', '.join(known)}, or give --url")
        url = known[service]
    token = token or demo.dev_issuer().issue("dwp", "dwp", ["operator"], user="scx-cli-operator")
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30)


def call(http: httpx.Client, method: str, path: str, **options: Any) -> Any:
    import httpx

    try:
        response = http.request(method, path, **options)
    except httpx.HTTPError as exc:
        typer.echo(f"cannot reach {http.base_url}: {exc}", err=True)
        raise typer.Exit(1) from None
    if response.is_success:
        return response.json()
    try:
        problem = response.json()
        message = problem.get("detail") or problem.get("title") or response.text
    except ValueError:
        message = response.text
    typer.echo(f"{response.status_code}: {message}", err=True)
    raise typer.Exit(1)


@app.command("list")
def list_dead_letters(
    service: Service,
    url: Url = None,
    token: Token = None,
    include_replayed: Annotated[bool, typer.Option(help="also those replayed already")] = False,
) -> None:
    """One line per dead letter, oldest first: id, when, subject, stream sequence, error."""
    letters: list[dict[str, Any]] = []
    with client(service, url, token) as http:
        while True:  # every page: the API gives at most 500 at a time
            params = {"include_replayed": str(include_replayed).lower(), "limit": PAGE,
                      "after_id": letters[-1]["id"] if letters else 0}
            page = call(http, "GET", "/operations/dead-letters", params=params)
            letters.extend(page)
            if len(page) < PAGE:
                break
    if not letters:
        typer.echo("no dead letters")
    for letter in letters:
        replayed = f"  replayed {letter['replayed_at']} by {letter['replayed_by']}" if letter["replayed_at"] else ""
        typer.echo(
            f"{letter['id']:>6}  {letter['recorded_at']}  {letter['subject']}  #{letter['stream_sequence']}  "
            f"{letter['error'][:120]}{replayed}"
        )


@app.command()
def replay(service: Service, letter_id: Annotated[int, typer.Argument()], url: Url = None, token: Token = None) -> None:
    """Apply one dead letter again through the service's own inbox; it is marked replayed if it applies."""
    with client(service, url, token) as http:
        answer = call(http, "POST", f"/operations/dead-letters/{letter_id}/replay")
    typer.echo(f"dead letter {letter_id}: {answer['outcome']}")
