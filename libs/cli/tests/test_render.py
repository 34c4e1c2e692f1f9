"""A service added to services.toml appears in every rendered file; the hand-written rest of a spliced file is
kept as it was."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
import yaml

from scx_cli import manifest, render

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def with_intake(tmp_path: Path) -> manifest.Manifest:
    for name in ("README.md", "pyproject.toml", "services.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    for lib in (ROOT / "libs").glob("*/pyproject.toml"):
        (tmp_path / "libs" / lib.parent.name).mkdir(parents=True)
    listed = manifest.load(ROOT)
    intake = manifest.Service("intake", "scx_intake", 8003, "SCX_INTAKE_", owns="the new thing")
    return manifest.Manifest(root=tmp_path, services=(*listed.services, intake))


def test_a_new_service_appears_in_every_rendered_file(with_intake: manifest.Manifest) -> None:
    files = render.rendered(with_intake)
    compose = yaml.safe_load(files[Path("docker-compose.yml")])
    assert {"intake", "migrate-intake"} <= set(compose["services"])
    assert "8003:8003" in compose["services"]["gateway"]["ports"]
    assert 'CREATE DATABASE "intake" OWNER "intake";' in files[Path("deploy/postgres/init-databases.sql")]
    assert "listen 8003;" in files[Path("deploy/gateway/nginx.conf")]
    assert "| `intake` | 8003 | the new thing |" in files[Path("README.md")]
    contracts = tomllib.loads(files[Path("pyproject.toml")])["tool"]["importlinter"]["contracts"]
    assert "scx_intake" in contracts[0]["modules"]
    assert any(c.get("containers") == ["scx_intake"] for c in contracts)


def test_sync_writes_then_has_nothing_left_to_write(with_intake: manifest.Manifest) -> None:
    (with_intake.root / "deploy" / "postgres").mkdir(parents=True)
    (with_intake.root / "deploy" / "gateway").mkdir(parents=True)
    readme_before = (with_intake.root / "README.md").read_text()
    assert len(render.sync(with_intake)) == 5
    assert render.stale(with_intake) == []
    assert render.sync(with_intake) == []
    readme_after = (with_intake.root / "README.md").read_text()
    assert readme_after.split(render.README_BEGIN)[0] == readme_before.split(render.README_BEGIN)[0]


def test_a_file_without_its_markers_is_refused() -> None:
    with pytest.raises(ValueError, match="exactly one block"):
        render.splice("no markers here\n", render.README_BEGIN, render.README_END, "x\n", "README.md")
