"""services.toml is read strictly: a name, package, prefix or port that breaks the conventions is refused with a
message naming the service, before anything starts."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from scx_cli import manifest
from scx_cli.manifest import ManifestError


def entry(name: str = "intake", port: int = 8003, **overrides: Any) -> dict[str, Any]:
    return {
        "name": name, "package": f"scx_{name}", "port": port, "settings_prefix": f"SCX_{name.upper()}_",
        "consumes": [], **overrides,
    }


def write(root: Path, *entries: dict[str, Any], folders: bool = True) -> Path:
    lines = []
    for e in entries:
        lines.append("[[services]]")
        lines += [f"{k} = {_toml(v)}" for k, v in e.items()]
        if folders:
            (root / "services" / str(e["name"])).mkdir(parents=True, exist_ok=True)
            (root / "services" / str(e["name"]) / "pyproject.toml").write_text("")
    (root / "services.toml").write_text("\n".join(lines) + "\n")
    return root


def _toml(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value).lower() if isinstance(value, bool) else str(value)


def test_a_valid_manifest_loads_in_order(tmp_path: Path) -> None:
    write(tmp_path, entry("intake", 8003, consumes=["referral.received"]), entry("claims", 8004))
    loaded = manifest.load(tmp_path)
    assert loaded.names == ["intake", "claims"]
    assert loaded.service("intake").consumes == ("referral.received",)
    assert loaded.next_free_port() == 8005


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        (entry("Intake"), "lower-case Python identifier"),
        (entry("in-take"), "lower-case Python identifier"),
        (entry(package="scx_other"), "package must be 'scx_intake'"),
        (entry(settings_prefix="SCX_INTAKE"), "settings_prefix must be 'SCX_INTAKE_'"),
        (entry(port=80), "port must be"),
        (entry(port="8003"), "port must be"),
        (entry(consumes=["a.b", "a.b"]), "repeated"),
        (entry(colour="blue"), "unknown keys"),
    ],
)
def test_a_broken_entry_is_refused_with_the_reason(tmp_path: Path, bad: dict[str, Any], says: str) -> None:
    write(tmp_path, bad, folders=False)
    with pytest.raises(ManifestError, match=says):
        manifest.parse(tomllib.loads((tmp_path / "services.toml").read_text()), tmp_path)


def test_names_and_ports_are_unique(tmp_path: Path) -> None:
    write(tmp_path, entry("intake", 8003), entry("claims", 8003))
    with pytest.raises(ManifestError, match="port repeated: 8003"):
        manifest.load(tmp_path)
    write(tmp_path, entry("intake", 8003), entry("intake", 8004))
    with pytest.raises(ManifestError, match="name repeated: intake"):
        manifest.load(tmp_path)


def test_a_listed_service_must_have_its_folder(tmp_path: Path) -> None:
    write(tmp_path, entry("intake"), folders=False)
    with pytest.raises(ManifestError, match=r"services/intake/pyproject.toml does not exist"):
        manifest.load(tmp_path)


def test_the_root_is_scx_root_else_the_nearest_folder_above_the_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, entry())
    (tmp_path / "services" / "intake" / "src").mkdir()
    monkeypatch.delenv("SCX_ROOT", raising=False)
    assert manifest.find_root(tmp_path / "services" / "intake" / "src") == tmp_path.resolve()
    monkeypatch.setenv("SCX_ROOT", str(tmp_path))
    assert manifest.find_root(Path("/")) == tmp_path.resolve()
    monkeypatch.setenv("SCX_ROOT", str(tmp_path / "services"))
    with pytest.raises(ManifestError, match=r"holds no services\.toml"):
        manifest.find_root()
