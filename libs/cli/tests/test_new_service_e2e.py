"""`scx new-service` on a copy of the repository: it changes only the new folder, services.toml and the rendered
files; the new service installs, migrates, starts against a real nats-server and answers, and the copy passes
ruff, mypy and the rendered import contracts."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import httpx
import pytest

from scx_cli.manifest import GENERATED
from scx_messaging import LocalNatsServer
from scx_messaging.local import free_port

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[3]
MAIN_BIN = Path(sys.executable).parent
RENDERED = {"docker-compose.yml", "deploy/postgres/init-databases.sql", "deploy/gateway/nginx.conf",
            "pyproject.toml", "README.md"}


def run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None, timeout: float = 180) -> str:
    done = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, f"{' '.join(map(str, command))}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def copy_of_the_repository(target: Path) -> Path:
    """The working tree as it is (committed or not, ignored files left out), committed in a repository of its own."""
    files = run("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT).split("\0")
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    git = ["git", "-c", "user.name=scx", "-c", "user.email=scx@example.invalid"]
    run("git", "init", "-q", cwd=target)
    run("git", "add", "-A", cwd=target)
    run(*git, "commit", "-q", "-m", "the repository before", cwd=target)
    return target


def throwaway_venv(path: Path) -> Path:
    """A venv that sees every package of the main one (a .pth that adds its site-packages), and nothing of its own."""
    run(sys.executable, "-m", "venv", "--without-pip", path, cwd=path.parent)
    python = path / "bin" / "python"
    own = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=path).strip())
    main = sysconfig.get_paths()["purelib"]
    (own / "scx_main_venv.pth").write_text(f"import site; site.addsitedir({main!r})\n")
    return python


def install_editable(python: Path, service: Path) -> None:
    uv = MAIN_BIN / "uv"
    if uv.exists():
        done = subprocess.run([uv, "pip", "install", "--offline", "-q", "--python", python, "--no-deps", "-e",
                               service], capture_output=True, text=True, timeout=180)
        if done.returncode == 0:
            return
    # Without uv's cached build backend (offline), a path entry is what an editable install amounts to.
    own = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=service).strip())
    (own / f"_editable_{service.name}.pth").write_text(f"{service / 'src'}\n")


def test_a_new_service_is_generated_installed_migrated_started_and_linted(tmp_path: Path) -> None:
    repo = copy_of_the_repository(tmp_path / "repo")
    env = {**os.environ, "PATH": f"{MAIN_BIN}{os.pathsep}{os.environ['PATH']}"}
    env.pop("SCX_ROOT", None)
    out = run(sys.executable, "-m", "scx_cli.main", "new-service", "demo_x", cwd=repo, env=env)
    assert "created services/demo_x/" in out

    changed = run("git", "status", "--porcelain", "--untracked-files=all", cwd=repo).splitlines()
    paths = {line[3:] for line in changed}
    new_files = {p for p in paths if p.startswith("services/demo_x/")}
    assert "services/demo_x/src/scx_demo_x/app.py" in new_files
    assert paths - new_files == {"services.toml", *RENDERED}, changed
    for name in RENDERED:
        assert GENERATED in (repo / name).read_text(), f"{name} carries no generated header"
    assert '[[services]]\nname = "demo_x"' in (repo / "services.toml").read_text()

    python = throwaway_venv(tmp_path / "venv")
    install_editable(python, repo / "services" / "demo_x")
    database = tmp_path / "demo_x.db"
    service_env = {**env, "SCX_DEMO_X_DATABASE_URL": f"sqlite+aiosqlite:///{database}"}
    run(python, "-m", "alembic", "-c", "services/demo_x/alembic.ini", "upgrade", "head", cwd=repo, env=service_env)
    with sqlite3.connect(database) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"outbox", "inbox", "dead_letters", "alembic_version"} <= tables

    port = free_port()
    with LocalNatsServer(tmp_path / "nats", log_file=tmp_path / "nats.log") as nats:
        service_env["SCX_DEMO_X_NATS_SERVERS"] = f'["{nats.url}"]'
        with open(tmp_path / "demo_x.log", "wb") as log:
            process = subprocess.Popen(
                [python, "-m", "uvicorn", "scx_demo_x.app:create_app", "--factory", "--port", str(port)],
                cwd=repo, env=service_env, stdout=log, stderr=log,
            )
        try:
            deadline, status = time.monotonic() + 60, 0
            while status != 200 and time.monotonic() < deadline and process.poll() is None:
                try:
                    status = httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code
                except httpx.HTTPError:
                    time.sleep(0.2)
            assert status == 200, (tmp_path / "demo_x.log").read_text()
            assert httpx.get(f"http://127.0.0.1:{port}/ready", timeout=5).status_code == 200
        finally:
            process.terminate()
            process.wait(15)

    run(MAIN_BIN / "ruff", "check", "libs", "services", "tests", cwd=repo, env=env)
    run(python, "-m", "mypy", "services/demo_x/src", cwd=repo, env=env)
    contracts = run(python, "-c", "import sys; from importlinter.cli import lint_imports_command as c; "
                    "sys.argv = ['lint-imports']; c()", cwd=repo, env=env)
    assert "Demo x layers KEPT" in contracts and ", 0 broken." in contracts
    # The service's own tests, on SQLite and PostgreSQL: it starts and is ready; it keeps to its OpenAPI document.
    assert "4 passed" in run(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "services/demo_x", cwd=repo,
                             env=env)
