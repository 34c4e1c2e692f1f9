"""`scx new-service NAME`: a new service from the template in scx_cli/template, listed in services.toml, with every
rendered file brought up to date. The template is the shape both services share (ADR 0013's idiom): composition
root, settings, tables, schemas, repository, access, problems, use cases, routes, handlers and rules, a first
migration of the messaging tables, and a test that it starts on SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import textwrap
import uuid
from datetime import UTC, datetime
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from scx_cli import manifest, render
from scx_cli.manifest import MANIFEST, ManifestError

SUFFIX = ".tmpl"



def python_string(text: str, *, indent: int, width: int = 100) -> str:
    """`text` as a Python literal for a line indented by `indent`: split over lines in brackets when it is long, so
    the generated code keeps to the line length."""
    literal = json.dumps(text, ensure_ascii=False)
    if len(literal) + indent + 14 <= width:
        return literal
    pad = " " * (indent + 4)
    parts = textwrap.wrap(text, width - indent - 8, drop_whitespace=False)
    lines = [json.dumps(part, ensure_ascii=False) for part in parts]
    return "(\n" + "".join(f"{pad}{line}\n" for line in lines) + " " * indent + ")"

def create(root: Path, name: str, *, port: int | None = None, owns: str = "") -> tuple[manifest.Service, list[Path]]:
    """Write services/NAME, append it to services.toml and re-render; the service and the rendered files written."""
    listed = manifest.load(root)
    folder = root / "services" / name
    if name in listed.names or folder.exists():
        raise ManifestError(f"service {name!r} exists already ({folder})")
    port = port or listed.next_free_port()
    owns = owns or f"(what the {name.replace('_', ' ')} service owns: say it in services.toml)"
    entry = manifest.Service(name, f"scx_{name}", port, f"SCX_{name.upper()}_", owns=owns)
    # Checked as the manifest will be, before anything is written.
    manifest.parse({"services": [_as_table(s) for s in (*listed.services, entry)]}, root)
    now = datetime.now(UTC)
    revision = uuid.uuid4().hex[:12]
    values = {
        "name": name,
        "Name": "".join(part.capitalize() for part in name.split("_")),
        "NAME": name.upper(),
        "dashed": name.replace("_", "-"),
        "title": name.replace("_", " "),
        "owns_literal": python_string(owns, indent=8),
        "revision": revision,
        "created": now.isoformat(sep=" "),
    }
    migration = f"{now:%Y%m%d}_{revision}_messaging_tables.py"
    for relative, text in _template_files(resources.files("scx_cli") / "template", Path()):
        target = folder / _target_path(relative, name, migration)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_fill(text, values), encoding="utf-8")
    _sort_imports(root, folder)
    with open(root / MANIFEST, "a", encoding="utf-8") as file:
        file.write(_manifest_entry(entry))
    written = render.sync(manifest.load(root))
    return entry, written


def _sort_imports(root: Path, folder: Path) -> None:
    """Where the service's own imports go among scx's depends on its name's place in the alphabet, so the template
    cannot fix their order; ruff's import sorter (a dev dependency) puts them where `make lint` wants them."""
    with contextlib.suppress(OSError):
        subprocess.run(
            [sys.executable, "-m", "ruff", "check", "--quiet", "--fix", "--select", "I", str(folder)],
            cwd=root, check=False, capture_output=True,
        )


def _as_table(service: manifest.Service) -> dict[str, object]:
    return {
        "name": service.name, "package": service.package, "port": service.port,
        "settings_prefix": service.settings_prefix, "consumes": list(service.consumes), "owns": service.owns,
        "secrets": dict(service.secrets),
    }


def _template_files(folder: Traversable, relative: Path) -> list[tuple[Path, str]]:
    files = []
    for item in sorted(folder.iterdir(), key=lambda i: i.name):
        if item.is_dir():
            files += _template_files(item, relative / item.name)
        elif item.name.endswith(SUFFIX):
            files.append((relative / item.name.removesuffix(SUFFIX), item.read_text(encoding="utf-8")))
    return files


def _target_path(relative: Path, name: str, migration: str) -> Path:
    parts = [f"scx_{name}" if part == "package" and relative.parts[0] == "src" else part for part in relative.parts]
    if relative.parts[:2] == ("migrations", "versions"):
        parts[-1] = migration
    return Path(*parts)


def _fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    if "{{" in text:
        raise ValueError(f"the template names a value the generator does not give: {text[text.index('{{'):][:40]}")
    return text


def _manifest_entry(service: manifest.Service) -> str:
    return (
        "\n[[services]]\n"
        f'name = "{service.name}"\n'
        f'package = "{service.package}"\n'
        f"port = {service.port}\n"
        f'settings_prefix = "{service.settings_prefix}"\n'
        "consumes = []\n"
        f"owns = {json.dumps(service.owns, ensure_ascii=False)}\n"
    )
