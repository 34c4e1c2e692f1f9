"""`services.toml`, the one list of scx services: loaded, checked and handed out as typed values.

Everything that needs the list of services reads it through here (the stack, the bench, `scx manifest sync`)
so that adding a service is one entry in one file. Only the standard library is imported: `scx token` and the
Makefile's install step must not pay for more.
"""

from __future__ import annotations

import os
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MANIFEST = "services.toml"
GENERATED = "generated from services.toml by `scx manifest sync`; do not edit"


class ManifestError(ValueError):
    """services.toml is missing, malformed, or names something that is not there."""


@dataclass(frozen=True)
class Service:
    name: str
    package: str
    port: int
    settings_prefix: str
    consumes: tuple[str, ...] = ()
    owns: str = ""
    # Setting name after the prefix (upper case) -> what it is; production supplies each from its secret store.
    secrets: Mapping[str, str] = field(default_factory=dict)

    @property
    def folder(self) -> Path:
        """Relative to the repository root."""
        return Path("services") / self.name

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass(frozen=True)
class Manifest:
    root: Path
    services: tuple[Service, ...]

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.services]

    @property
    def packages(self) -> list[str]:
        return [s.package for s in self.services]

    def service(self, name: str) -> Service:
        for service in self.services:
            if service.name == name:
                return service
        raise ManifestError(f"no service {name!r} in {self.root / MANIFEST} (there are: {', '.join(self.names)})")

    def next_free_port(self) -> int:
        return max((s.port for s in self.services), default=8000) + 1

    @property
    def libraries(self) -> list[str]:
        """The shared libraries' packages (libs/<name> holds scx_<name>), found on disk: they are not services."""
        return sorted(f"scx_{p.parent.name}" for p in (self.root / "libs").glob("*/pyproject.toml"))


def find_root(start: Path | None = None) -> Path:
    """The repository root: $SCX_ROOT, else the nearest folder above the cwd holding services.toml, else the one
    above this file (an editable install run from elsewhere)."""
    given = os.environ.get("SCX_ROOT")
    if given:
        root = Path(given).expanduser().resolve()
        if not (root / MANIFEST).is_file():
            raise ManifestError(f"SCX_ROOT={given} holds no {MANIFEST}")
        return root
    for origin in (start or Path.cwd(), Path(__file__)):
        origin = origin.resolve()
        for folder in (origin, *origin.parents):
            if (folder / MANIFEST).is_file():
                return folder
    raise ManifestError(f"no {MANIFEST} above {start or Path.cwd()}: run scx inside the repository or set SCX_ROOT")


def load(root: Path | None = None) -> Manifest:
    root = root or find_root()
    path = root / MANIFEST
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError(f"{path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"{path}: {exc}") from None
    return parse(data, root, check_folders=True)


def parse(data: Mapping[str, Any], root: Path, *, check_folders: bool = False) -> Manifest:
    entries = data.get("services")
    if not isinstance(entries, list) or not entries:
        raise ManifestError(f"{MANIFEST} must hold at least one [[services]] table")
    services = tuple(_service(entry, i) for i, entry in enumerate(entries))
    _unique("name", [s.name for s in services])
    _unique("port", [s.port for s in services])
    if check_folders:
        for service in services:
            if not (root / service.folder / "pyproject.toml").is_file():
                raise ManifestError(f"service {service.name!r}: {service.folder}/pyproject.toml does not exist")
    return Manifest(root=root, services=services)


_KEYS = {"name", "package", "port", "settings_prefix", "consumes", "owns", "secrets"}


def _service(entry: object, index: int) -> Service:
    where = f"{MANIFEST} [[services]] #{index + 1}"
    if not isinstance(entry, dict):
        raise ManifestError(f"{where} is not a table")
    unknown = set(entry) - _KEYS
    if unknown:
        raise ManifestError(f"{where}: unknown keys {sorted(unknown)} (known: {sorted(_KEYS)})")
    name = entry.get("name")
    if not isinstance(name, str) or not name.isidentifier() or name != name.lower() or name.startswith("_"):
        raise ManifestError(f"{where}: name {name!r} must be a lower-case Python identifier")
    where = f"{MANIFEST} service {name!r}"
    package, prefix, port = entry.get("package"), entry.get("settings_prefix"), entry.get("port")
    if package != f"scx_{name}":
        raise ManifestError(f"{where}: package must be 'scx_{name}', not {package!r}")
    if prefix != f"SCX_{name.upper()}_":
        raise ManifestError(f"{where}: settings_prefix must be 'SCX_{name.upper()}_', not {prefix!r}")
    if not isinstance(port, int) or isinstance(port, bool) or not 1024 <= port <= 65535:
        raise ManifestError(f"{where}: port must be an integer from 1024 to 65535, not {port!r}")
    consumes = entry.get("consumes", [])
    if not isinstance(consumes, list) or not all(isinstance(c, str) and c for c in consumes):
        raise ManifestError(f"{where}: consumes must be a list of event types")
    _unique(f"{where}: consumed event type", consumes)
    owns = entry.get("owns", "")
    secrets = entry.get("secrets", {})
    if not isinstance(owns, str):
        raise ManifestError(f"{where}: owns must be a string")
    if not isinstance(secrets, dict) or not all(
        isinstance(k, str) and k.isidentifier() and k == k.upper() and isinstance(v, str) for k, v in secrets.items()
    ):
        raise ManifestError(f"{where}: secrets must map UPPER_CASE setting names to what each is")
    return Service(name, package, port, prefix, tuple(consumes), owns, dict(secrets))


def _unique(what: str, values: Iterable[object]) -> None:
    repeated = sorted(str(v) for v, n in Counter(values).items() if n > 1)
    if repeated:
        raise ManifestError(f"{MANIFEST}: {what} repeated: {', '.join(repeated)}")
