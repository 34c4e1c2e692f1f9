"""`scx manifest sync`: the files that must list every service, rendered from services.toml.

Whole files (the compose file, the PostgreSQL init script, the gateway's nginx.conf) start with a line saying
they are generated; in files that are mostly hand-written (pyproject.toml's import-linter contracts, the
README's table of services) only the text between two markers is. `tests/test_deploy_config.py` fails when a
committed file differs from a fresh render.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from scx_cli.manifest import GENERATED, Manifest, Service

IMPORTLINTER_BEGIN = f"# >>> import-linter contracts, {GENERATED}"
IMPORTLINTER_END = "# <<< import-linter contracts"
README_BEGIN = "<!-- services:begin -->"
README_END = "<!-- services:end -->"
NATS_NODES = ("nats-1", "nats-2", "nats-3")
# Libraries allowed to import nats-py: messaging wraps it; the CLI's bench and the test kit listen on the stream.
NATS_CLIENTS = {"scx_messaging", "scx_cli", "scx_testing"}
# Inside a service imports only point down. Parenthesised layers are optional: not every service has them yet.
LAYERS = ["app", "routes | handlers", "service", "(access) : (problems)", "repository", "models"]


def rendered(manifest: Manifest) -> dict[Path, str]:
    """Every generated file's expected content, by path relative to the repository root."""
    root = manifest.root
    spliced: dict[str, Callable[[Manifest], str]] = {"pyproject.toml": importlinter, "README.md": readme_table}
    files = {
        Path("docker-compose.yml"): compose(manifest),
        Path("deploy/postgres/init-databases.sql"): init_databases(manifest),
        Path("deploy/gateway/nginx.conf"): nginx(manifest),
    }
    begin_end = {"pyproject.toml": (IMPORTLINTER_BEGIN, IMPORTLINTER_END), "README.md": (README_BEGIN, README_END)}
    for name, render in spliced.items():
        begin, end = begin_end[name]
        files[Path(name)] = splice((root / name).read_text(encoding="utf-8"), begin, end, render(manifest), name)
    return files


def stale(manifest: Manifest) -> list[Path]:
    """The generated files whose committed text differs from a fresh render."""
    return [path for path, text in rendered(manifest).items() if _read(manifest.root / path) != text]


def sync(manifest: Manifest) -> list[Path]:
    """Write every generated file that changed; return those written."""
    written = []
    for path, text in rendered(manifest).items():
        if _read(manifest.root / path) != text:
            (manifest.root / path).write_text(text, encoding="utf-8")
            written.append(path)
    return written


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.exists() else None


def splice(text: str, begin: str, end: str, body: str, name: str) -> str:
    pattern = re.compile(rf"^{re.escape(begin)}\n.*?^{re.escape(end)}\n", re.S | re.M)
    if len(pattern.findall(text)) != 1:
        raise ValueError(f"{name} must hold exactly one block from the line {begin!r} to the line {end!r}")
    return pattern.sub(lambda _: f"{begin}\n{body}{end}\n", text)


def _toml_list(items: list[str]) -> str:
    return json.dumps(items, ensure_ascii=False)


# --- pyproject.toml: import-linter -------------------------------------------------------------------------


def importlinter(manifest: Manifest) -> str:
    libraries, services = manifest.libraries, manifest.packages
    production = [lib for lib in libraries if lib != "scx_testing"] + services
    no_nats = [lib for lib in libraries if lib not in NATS_CLIENTS] + services
    ours = [lib for lib in libraries if lib not in ("scx_contracts", "scx_cli", "scx_testing")]
    # A library may ship a test publisher of its own (scx_registry.testing): for tests only, like scx_testing.
    publishers = [lib for lib in libraries if (manifest.root / "libs" / lib.removeprefix("scx_") / "src" / lib /
                                               "testing.py").exists()]
    contracts = [
        ("Services are independent of each other", "independence", [("modules", services)]),
        ("Libraries never import services", "forbidden",
         [("source_modules", libraries), ("forbidden_modules", services)]),
        ("Production code never imports the test support library", "forbidden",
         [("source_modules", production), ("forbidden_modules", ["scx_testing"])]),
    ] + [
        (f"Production code never imports {lib}.testing", "forbidden",
         [("source_modules", [m for m in production if m != lib]), ("forbidden_modules", [f"{lib}.testing"])])
        for lib in publishers
    ] + [
        ("Only the messaging library talks to NATS", "forbidden",
         [("source_modules", no_nats), ("forbidden_modules", ["nats"]), ("allow_indirect_imports", True)]),
        ("Event contracts depend on nothing of ours", "forbidden",
         [("source_modules", ["scx_contracts"]), ("forbidden_modules", ours)]),
    ] + [
        (f"{s.name.replace('_', ' ').capitalize()} layers", "layers", [("containers", [s.package]), ("layers", LAYERS)])
        for s in manifest.services
    ]
    out = [
        "[tool.importlinter]",
        f"root_packages = {_toml_list(libraries + services)}",
        "include_external_packages = true",
    ]
    for name, kind, options in contracts:
        out += ["", "[[tool.importlinter.contracts]]", f"name = {json.dumps(name)}", f'type = "{kind}"']
        for key, value in options:
            out.append(f"{key} = {'true' if value is True else _toml_list(value)}")
    return "\n".join(out) + "\n"


# --- README.md ---------------------------------------------------------------------------------------------


def readme_table(manifest: Manifest) -> str:
    rows = [f"| `{s.name}` | {s.port} | {s.owns} |" for s in manifest.services]
    return "\n".join([f"<!-- {GENERATED} -->", "| service | port | owns |", "| --- | --- | --- |", *rows]) + "\n"


# --- deploy/ -----------------------------------------------------------------------------------------------


def init_databases(manifest: Manifest) -> str:
    head = f"""-- {GENERATED}
-- Run once by the postgres image on an empty data volume (/docker-entrypoint-initdb.d), as the superuser.
-- One database and one login role per service: a service can connect only to its own database, so
-- "a service never reads another service's database" holds in the server, not just in code review.
-- Passwords come from the container's environment (psql \\getenv, PostgreSQL 15+), never from this file.

\\set ON_ERROR_STOP on
"""
    getenv = "".join(f"\\getenv {s.name}_password {_db_password(s)}\n" for s in manifest.services)
    # Quoted: a service may be called by a word SQL reserves (user, order, ...).
    blocks = "".join(
        f"\nCREATE ROLE \"{s.name}\" LOGIN PASSWORD :'{s.name}_password';\n"
        f"CREATE DATABASE \"{s.name}\" OWNER \"{s.name}\";\n"
        f"REVOKE ALL ON DATABASE \"{s.name}\" FROM PUBLIC;\n"
        for s in manifest.services
    )
    return head + getenv + blocks


def nginx(manifest: Manifest) -> str:
    upstreams = "".join(
        f"""
  upstream {s.name} {{
    zone {s.name} 64k;
    server {s.name}:{s.port} resolve;
  }}
"""
        for s in manifest.services
    )
    servers = "".join(
        f"""
  server {{
    listen {s.port};
    location / {{
      proxy_pass http://{s.name};
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
    }}
  }}
"""
        for s in manifest.services
    )
    return f"""# {GENERATED}
# The one published entry point: the same ports as the one-machine stack, each spread over the replicas.
# Docker's DNS returns every replica's address for the service name; `resolve` re-reads it as replicas change.
events {{}}

http {{
  resolver 127.0.0.11 valid=10s ipv6=off;
{upstreams}{servers}}}
"""


def _db_password(service: Service) -> str:
    return f"{service.name.upper()}_DB_PASSWORD"


def _database_url(service: Service) -> str:
    password = f"${{{_db_password(service)}:?set the {service.name} database password}}"
    return f"postgresql+asyncpg://{service.name}:{password}@postgres:5432/{service.name}"


def compose(manifest: Manifest) -> str:
    urls = ", ".join(f"http://localhost:{s.port} ({s.name})" for s in manifest.services)
    passwords = "".join(
        f"      {_db_password(s)}: ${{{_db_password(s)}:?set the {s.name} database password}}\n"
        for s in manifest.services
    )
    nats = "".join(
        f"""
  {node}:
    <<: *nats-node
    volumes:
      - ./deploy/nats/{node}.conf:/etc/nats/nats.conf:ro
      - {node}-data:/data
"""
        for node in NATS_NODES
    )
    migrations = "".join(_compose_migration(s) for s in manifest.services)
    services = "".join(_compose_service(s) for s in manifest.services)
    ports = "".join(f'      - "{s.port}:{s.port}"\n' for s in manifest.services)
    started = "".join(f"      {s.name}: {{condition: service_started}}\n" for s in manifest.services)
    volumes = "".join(f"  {node}-data:\n" for node in NATS_NODES)
    after_nats = "".join(f"  {node}: {{condition: service_healthy}}\n" for node in NATS_NODES)
    return f"""# {GENERATED}
# Scale-out: PostgreSQL (one database per service), a three-node NATS JetStream cluster, two replicas of
# each service behind one gateway. See deploy/README.md. Secrets come from the environment or an .env file
# beside this one; compose refuses to start while any `${{VAR:?...}}` below is unset.
#
#   docker compose up --build -d      # then {urls}

name: scx

x-scx-image: &scx-image
  build:
    context: .
    dockerfile: deploy/Dockerfile
  image: scx:latest

x-nats-node: &nats-node
  image: nats:2.12-alpine
  command: ["nats-server", "--config", "/etc/nats/nats.conf"]
  restart: unless-stopped
  healthcheck:
    # /healthz fails until this node has JetStream up and is current with the cluster's meta leader.
    test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8222/healthz"]
    interval: 5s
    timeout: 3s
    retries: 30

x-after-nats: &after-nats
{after_nats}
services:
  postgres:
    image: postgres:16
    restart: unless-stopped
    environment:
      POSTGRES_PASSWORD: ${{POSTGRES_PASSWORD:?set the PostgreSQL superuser password}}
{passwords}    volumes:
      - ./deploy/postgres/init-databases.sql:/docker-entrypoint-initdb.d/10-init-databases.sql:ro
      - postgres-data:/var/lib/postgresql/data
    healthcheck:
      test: ["CMD", "pg_isready", "-U", "postgres"]
      interval: 5s
      timeout: 3s
      retries: 30
{nats}
  # One-shot: brings the schema to head, then exits 0; the service waits for that exit.{migrations}{services}
  # The only published ports: the same as the one-machine stack, spread over each service's replicas.
  gateway:
    image: nginx:1.28-alpine
    restart: unless-stopped
    volumes:
      - ./deploy/gateway/nginx.conf:/etc/nginx/nginx.conf:ro
    ports:
{ports}    depends_on:
{started}
volumes:
  postgres-data:
{volumes}"""


def _compose_migration(service: Service) -> str:
    s, prefix = service, service.settings_prefix
    return f"""
  migrate-{s.name}:
    <<: *scx-image
    command: ["alembic", "-c", "services/{s.name}/alembic.ini", "upgrade", "head"]
    restart: "no"
    environment:
      {prefix}DATABASE_URL: {_database_url(s)}
    depends_on:
      postgres: {{condition: service_healthy}}
"""


def _compose_service(service: Service) -> str:
    s, prefix = service, service.settings_prefix
    nats_servers = json.dumps([f"nats://{node}:4222" for node in NATS_NODES], separators=(",", ":"))
    secrets = ""
    if s.secrets:
        note = "      # Every replica must hold the same value of each, from the secret store, never from this file.\n"
        secrets = note + "".join(
            f"      {prefix}{key}: ${{SCX_{key}:?set {what}}}\n" for key, what in sorted(s.secrets.items())
        )
    health = f"import urllib.request; urllib.request.urlopen('http://127.0.0.1:{s.port}/health', timeout=2)"
    return f"""
  {s.name}:
    <<: *scx-image
    command: ["uvicorn", "{s.package}.app:create_app", "--factory", "--host", "0.0.0.0", "--port", "{s.port}"]
    restart: unless-stopped
    deploy:
      replicas: 2
    environment:
      {prefix}DATABASE_URL: {_database_url(s)}
      {prefix}NATS_SERVERS: '{nats_servers}'
      {prefix}NATS_STREAM_REPLICAS: "3"
      # Production-style auth: verify the identity provider's signature; no HS256 secret is honoured once
      # a public key is set. Tokens must carry iss/aud matching these, plus org, org_kind, roles, sub, exp.
      {prefix}JWT_PUBLIC_KEY: ${{SCX_JWT_PUBLIC_KEY:?set the PEM public key that verifies tokens}}
      {prefix}JWT_ALGORITHMS: '["RS256"]'
      {prefix}JWT_ISSUER: ${{SCX_JWT_ISSUER:?set the token issuer (iss)}}
      {prefix}JWT_AUDIENCE: ${{SCX_JWT_AUDIENCE:-scx}}
      {prefix}LOG_JSON: "true"
{secrets}    healthcheck:
      test: ["CMD", "python", "-c", "{health}"]
      interval: 10s
      timeout: 3s
      retries: 5
    depends_on:
      <<: *after-nats
      migrate-{s.name}: {{condition: service_completed_successfully}}
"""
