"""ADR 0013 in every service: the repository is the only module that touches the session, and no module uses the
ORM. Read from the syntax tree, so comments and strings that mention either do not count."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

SERVICES = Path(__file__).resolve().parents[1] / "services"
PACKAGES = sorted(SERVICES.glob("*/src/scx_*"))
OFF_THE_SESSION = ("service", "access", "handlers", "routes")  # modules, or packages of modules

# Services still moving to the idiom, each in its own change: a failure is expected, a pass is welcome.
MOVING: dict[str, str] = {}  # service -> why it is not yet on the idiom (none now)


def service_of(package: Path) -> str:
    return package.parents[1].name


def each_service() -> list[Any]:
    return [
        pytest.param(
            package,
            id=service_of(package),
            marks=[pytest.mark.xfail(reason=MOVING[service_of(package)], strict=False)]
            if service_of(package) in MOVING
            else [],
        )
        for package in PACKAGES
    ]


def session_uses(source: str) -> list[int]:
    nodes = ast.walk(ast.parse(source))
    return [node.lineno for node in nodes if isinstance(node, ast.Attribute) and node.attr == "session"]


def orm_imports(source: str) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        if any(name == "sqlalchemy.orm" or name.startswith("sqlalchemy.orm.") for name in names):
            lines.append(node.lineno)
    return lines


def test_every_service_is_checked() -> None:
    assert {"subcontracts", "referral", "case_tracking"} <= {service_of(p) for p in PACKAGES}


def test_the_checks_see_what_they_look_for() -> None:
    assert session_uses("async def f(uow):\n    await uow.session.flush()\n") == [2]
    assert session_uses("# uow.session\nx = 'uow.session'\n") == []
    assert orm_imports("from sqlalchemy.orm import Mapped\nfrom sqlalchemy import orm\nimport sqlalchemy.orm\n") == [
        1, 2, 3,
    ]
    assert orm_imports("from sqlalchemy import select\nfrom sqlalchemy.ext.asyncio import AsyncSession\n") == []


@pytest.mark.parametrize("package", each_service())
def test_only_the_repository_touches_the_session(package: Path) -> None:
    modules = [
        path
        for name in OFF_THE_SESSION
        for path in [package / f"{name}.py", *sorted((package / name).rglob("*.py"))]
        if path.exists()
    ]
    found = {
        str(path.relative_to(package)): lines for path in modules if (lines := session_uses(path.read_text()))
    }
    assert found == {}, f"`.session` outside the repository (module: lines): {found}"


@pytest.mark.parametrize("package", each_service())
def test_no_module_uses_the_orm(package: Path) -> None:
    found = {
        str(path.relative_to(package)): lines
        for path in sorted(package.rglob("*.py"))
        if (lines := orm_imports(path.read_text()))
    }
    assert found == {}, f"sqlalchemy.orm imported (module: lines): {found}"
