"""The scale-out description (docker-compose.yml and deploy/) agrees with the code it deploys.

Docker is not needed: the compose file is parsed as YAML and checked against the settings classes, the NATS
configuration files and the database init script it names. The files that list every service are rendered from
services.toml (`scx manifest sync`): the committed ones must equal a fresh render.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from scx_cli import manifest, render
from scx_servicekit.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker-compose.yml"
NATS_NODES = ("nats-1", "nats-2", "nats-3")
MANIFEST = manifest.load(ROOT)

# Service name -> (env prefix, settings module, fields beyond ServiceSettings it must have, port).
SERVICES: dict[str, tuple[str, str, frozenset[str], int]] = {
    s.name: (s.settings_prefix, f"{s.package}.config", frozenset(k.lower() for k in s.secrets), s.port)
    for s in MANIFEST.services
}


def settings_class(module_name: str) -> type[ServiceSettings]:
    """The one ServiceSettings subclass a service's config.py defines."""
    module = pytest.importorskip(module_name)
    found = [
        value for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, ServiceSettings) and value.__module__ == module_name
    ]
    assert len(found) == 1, f"{module_name} must define one ServiceSettings subclass, not {found}"
    return found[0]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(loaded, dict) and isinstance(loaded.get("services"), dict)
    return loaded


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):  # the KEY=value list form
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): str(v) for k, v in env.items()}


def scx_variables(compose: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Every (compose service, env var, value) whose name starts SCX_."""
    return [
        (name, key, value)
        for name, service in compose["services"].items()
        for key, value in environment(service).items()
        if key.startswith("SCX_")
    ]


def owner_of(variable: str) -> str:
    for name, (prefix, *_rest) in SERVICES.items():
        if variable.startswith(prefix):
            return name
    raise AssertionError(f"{variable} names no known service (expected one of {[s[0] for s in SERVICES.values()]})")


def field_name(variable: str) -> str:
    return variable[len(SERVICES[owner_of(variable)][0]) :].lower()


def bind_sources(service: dict[str, Any]) -> list[str]:
    sources = []
    for volume in service.get("volumes") or []:
        source = volume.get("source", "") if isinstance(volume, dict) else str(volume).split(":", 1)[0]
        if source.startswith((".", "/")):
            sources.append(source)
    return sources


# --- NATS -------------------------------------------------------------------------------------------------


def test_three_nats_nodes_each_with_its_own_config(compose: dict[str, Any]) -> None:
    nats = sorted(name for name, svc in compose["services"].items() if "nats" in str(svc.get("image", "")))
    assert nats == list(NATS_NODES)
    for node in NATS_NODES:
        sources = bind_sources(compose["services"][node])
        assert sources == [f"./deploy/nats/{node}.conf"], f"{node} mounts {sources}"


@pytest.mark.parametrize("node", NATS_NODES)
def test_nats_config_is_a_durable_jetstream_cluster_node(node: str) -> None:
    conf = (ROOT / "deploy" / "nats" / f"{node}.conf").read_text()
    text = "\n".join(line.split("#", 1)[0] for line in conf.splitlines())  # comments mention the words too
    assert re.search(r"^\s*server_name:\s*" + re.escape(node) + r"\s*$", text, re.M)
    jetstream = re.search(r"jetstream\s*\{(.*?)\}", text, re.S)
    assert jetstream, "no jetstream block"
    assert re.search(r"^\s*store_dir:", jetstream.group(1), re.M)
    assert re.search(r"^\s*sync_interval:\s*always\s*$", jetstream.group(1), re.M), "fsync every write"
    cluster = re.search(r"cluster\s*\{(.*)\}", text, re.S)
    assert cluster, "no cluster block"
    routes = set(re.findall(r"nats-route://(nats-\d):6222", cluster.group(1)))
    assert routes >= set(NATS_NODES) - {node}, f"{node} routes to {sorted(routes)}"


def test_services_reach_every_nats_node_and_replicate_the_stream_three_ways(compose: dict[str, Any]) -> None:
    expected = [f"nats://{node}:4222" for node in NATS_NODES]
    for name, (prefix, *_rest) in SERVICES.items():
        env = environment(compose["services"][name])
        assert json.loads(env[f"{prefix}NATS_SERVERS"]) == expected
        assert int(env[f"{prefix}NATS_STREAM_REPLICAS"]) == 3
        depends = compose["services"][name].get("depends_on") or {}
        for node in NATS_NODES:
            assert depends.get(node, {}).get("condition") == "service_healthy", f"{name} must wait for {node}"


# --- settings ---------------------------------------------------------------------------------------------


def test_every_scx_variable_names_a_setting(compose: dict[str, Any]) -> None:
    base = set(ServiceSettings.model_fields)
    variables = scx_variables(compose)
    assert variables, "compose configures no service"
    unknown = [
        f"{svc}: {var}" for svc, var, _value in variables if field_name(var) not in base | SERVICES[owner_of(var)][2]
    ]
    assert not unknown, f"not settings of the service: {unknown}"


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_scx_variable_names_a_field_of_the_service_settings_class(compose: dict[str, Any], service: str) -> None:
    prefix, module_name, extras, _port = SERVICES[service]
    settings = settings_class(module_name)
    class_name = settings.__name__
    assert settings.model_config.get("env_prefix", "").upper() == prefix
    fields = set(settings.model_fields)
    assert extras <= fields
    mine = [var for _svc, var, _value in scx_variables(compose) if var.startswith(prefix)]
    assert mine
    unknown = [var for var in mine if field_name(var) not in fields]
    assert not unknown, f"{class_name} has no field for {unknown}"


def test_list_settings_are_json(compose: dict[str, Any]) -> None:
    list_fields = {"nats_servers", "jwt_algorithms"}
    for svc, var, value in scx_variables(compose):
        if field_name(var) in list_fields:
            assert isinstance(json.loads(value), list), f"{svc}: {var} must be a JSON list"


def test_production_auth_verifies_with_a_public_key(compose: dict[str, Any]) -> None:
    for name, (prefix, *_rest) in SERVICES.items():
        env = environment(compose["services"][name])
        assert env[f"{prefix}JWT_PUBLIC_KEY"], f"{name} has no public key"
        algorithms = json.loads(env[f"{prefix}JWT_ALGORITHMS"])
        assert algorithms and not any(a.startswith("HS") for a in algorithms)
        assert f"{prefix}JWT_SECRET" not in env


def test_secrets_come_from_the_environment_not_the_file(compose: dict[str, Any]) -> None:
    secrets = [(s, key) for s in MANIFEST.services for key in s.secrets]
    assert ("referral", "CLAIMANT_REF_KEY") in [(s.name, key) for s, key in secrets]
    for service, key in secrets:
        var = f"{service.settings_prefix}{key}"
        value = environment(compose["services"][service.name])[var]
        assert re.fullmatch(r"\$\{[A-Z_]+:\?[^}]*\}", value), f"{var} must be a required ${{VAR:?...}}"


# --- databases and processes ------------------------------------------------------------------------------


def created_databases() -> set[str]:
    sql = (ROOT / "deploy" / "postgres" / "init-databases.sql").read_text()
    sql = re.sub(r"--[^\n]*", "", sql)
    return set(re.findall(r"CREATE\s+DATABASE\s+\"?(\w+)\"?", sql, re.I))


def test_postgres_16_creates_one_database_per_service(compose: dict[str, Any]) -> None:
    postgres = compose["services"]["postgres"]
    assert str(postgres["image"]).split(":")[1].startswith("16")
    assert "./deploy/postgres/init-databases.sql" in bind_sources(postgres)
    assert created_databases() == set(SERVICES)


def test_each_service_and_its_migration_use_its_own_database(compose: dict[str, Any]) -> None:
    for name, (prefix, *_rest) in SERVICES.items():
        for container in (name, f"migrate-{name}"):
            url = environment(compose["services"][container])[f"{prefix}DATABASE_URL"]
            match = re.fullmatch(r"postgresql\+asyncpg://(\w+):[^@]+@postgres:5432/(\w+)", url)
            assert match, f"{container}: {url}"
            assert match.groups() == (name, name), f"{container} must log in to and use database {name}"


def test_migrations_run_once_before_the_service_starts(compose: dict[str, Any]) -> None:
    for name in SERVICES:
        migrate = compose["services"][f"migrate-{name}"]
        assert migrate["command"] == ["alembic", "-c", f"services/{name}/alembic.ini", "upgrade", "head"]
        assert migrate.get("restart") == "no"
        assert compose["services"][name]["depends_on"][f"migrate-{name}"] == {
            "condition": "service_completed_successfully"
        }


def test_each_service_runs_its_app_factory_in_replicas(compose: dict[str, Any]) -> None:
    for name, (*_head, port) in SERVICES.items():
        service = compose["services"][name]
        command = " ".join(service["command"])
        assert f"uvicorn scx_{name}.app:create_app --factory" in command
        assert f"--port {port}" in command
        assert service["deploy"]["replicas"] >= 2
        assert "ports" not in service, "replicas cannot share a host port; the gateway publishes it"


def test_every_file_compose_names_exists(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        for source in bind_sources(service):
            assert (ROOT / source).exists(), f"{name} mounts missing {source}"
        build = service.get("build")
        if isinstance(build, dict):
            assert (ROOT / build.get("context", ".") / build.get("dockerfile", "Dockerfile")).is_file()


# --- rendered from services.toml --------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(str(p) for p in render.rendered(MANIFEST)))
def test_the_committed_file_is_a_fresh_render_of_services_toml(path: str) -> None:
    expected = render.rendered(MANIFEST)[Path(path)]
    assert (ROOT / path).read_text(encoding="utf-8") == expected, f"{path} is stale: run `scx manifest sync`"
    assert manifest.GENERATED in expected, "a rendered file says it is generated"


def test_the_image_installs_the_services_services_toml_lists() -> None:
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert "COPY services.toml" in dockerfile and "tomllib" in dockerfile
    named = [name for name in MANIFEST.names if re.search(rf"\b{name}\b", dockerfile)]
    assert named == [], f"deploy/Dockerfile names services {named}: it must read them from services.toml"
