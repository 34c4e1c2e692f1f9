"""`scx new-service` refuses a name the manifest would refuse, or one that exists, before it writes anything."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from scx_cli import newservice
from scx_cli.manifest import ManifestError

ROOT = Path(__file__).resolve().parents[3]
MANIFEST = tomllib.loads((ROOT / "services.toml").read_text())["services"]
LISTED = sorted(s["name"] for s in MANIFEST)
NEXT_PORT = max(s["port"] for s in MANIFEST) + 1


@pytest.fixture
def root(tmp_path: Path) -> Path:
    for name in ("services.toml", "README.md", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    for service in LISTED:
        (tmp_path / "services" / service).mkdir(parents=True)
        (tmp_path / "services" / service / "pyproject.toml").write_text("")
    return tmp_path


@pytest.mark.parametrize(("name", "says"), [("referral", "exists already"), ("Claims", "lower-case"),
                                            ("claims-2", "lower-case")])
def test_a_bad_or_taken_name_is_refused_and_nothing_is_written(root: Path, name: str, says: str) -> None:
    before = (root / "services.toml").read_text()
    with pytest.raises(ManifestError, match=says):
        newservice.create(root, name)
    assert (root / "services.toml").read_text() == before
    assert sorted(p.name for p in (root / "services").iterdir()) == LISTED


def test_the_template_fills_every_placeholder(root: Path) -> None:
    (root / "deploy" / "postgres").mkdir(parents=True)
    (root / "deploy" / "gateway").mkdir(parents=True)
    service, written = newservice.create(root, "trial_payments", owns="trial payments")
    assert (service.port, service.settings_prefix) == (NEXT_PORT, "SCX_TRIAL_PAYMENTS_")
    app = (root / "services" / "trial_payments" / "src" / "scx_trial_payments" / "app.py").read_text()
    assert 'description="trial payments"' in app and "{{" not in app
    versions = root / "services" / "trial_payments" / "migrations" / "versions"
    assert len(list(versions.glob("*_messaging_tables.py"))) == 1
    assert Path("README.md") in written
