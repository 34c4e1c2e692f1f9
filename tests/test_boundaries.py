"""A service never imports another service's code, not even in its tests: import-linter guards the packages,
this guards everything else under services/ (tests, migrations)."""

from __future__ import annotations

import re
from pathlib import Path

SERVICES = Path(__file__).resolve().parents[1] / "services"


def test_no_file_under_a_service_imports_another_service() -> None:
    names = sorted(p.name for p in SERVICES.iterdir() if (p / "pyproject.toml").exists())
    assert len(names) >= 2
    crossings = []
    for name in names:
        others = "|".join(f"scx_{other}" for other in names if other != name)
        pattern = re.compile(rf"^\s*(from|import)\s+({others})\b", re.MULTILINE)
        for path in (SERVICES / name).rglob("*.py"):
            if pattern.search(path.read_text()):
                crossings.append(str(path.relative_to(SERVICES)))
    assert crossings == [], f"these import another service's code: {crossings}"
