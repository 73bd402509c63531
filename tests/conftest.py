"""Shared fixtures: real data directories built by the real `tdpf build` (Dagster + dbt)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from filelock import FileLock

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEED_REPORT = SHARED / "seeds" / "000_046b7c1cce3dd48b.txt"
LANDING_REPORT = REPO / "pipelines" / "sources" / "bureau_report" / "jigyo_gaiyo_r5_tables.md"
TDPF = str(Path(sys.executable).parent / "tdpf")


def run_tdpf(
    home: Path, *args: str, timeout: int = 900, user_home: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real console script against ``home`` (a fresh process, as a user would).

    ``user_home`` replaces ``HOME`` for the process, to prove nothing is written outside
    the data directory (no ~/.dagster, ~/.dbt or caches).
    """
    env = {**os.environ, "TDPF_HOME": str(home)}
    if user_home is not None:
        env["HOME"] = str(user_home)
    env.pop("DAGSTER_HOME", None)
    return subprocess.run(
        [TDPF, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def announce(request: pytest.FixtureRequest, message: str) -> None:
    """A line on pytest's terminal, so a long shared fixture is not minutes of silence."""
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        return
    with capture.global_and_fixture_disabled():  # fixture output is captured otherwise
        reporter.write_line(f"[tdpf] {message}")


def shared_once(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """A directory made once per test run, even when pytest-xdist runs the suite on several workers.

    Each worker has a session of its own, so a session fixture alone would build the data
    directory once per worker: minutes of the suite's budget spent twice. The workers' common
    temporary folder holds one copy; the first worker to ask makes it under a file lock, the
    others wait and reuse it. A failed attempt leaves no marker, so the next worker tries afresh
    and reports its own failure.
    """
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        root = tmp_path_factory.mktemp(name)
        make(root)
        return root
    root = tmp_path_factory.getbasetemp().parent / name
    with FileLock(f"{root}.lock"):
        done = root / ".made"
        if not done.exists():
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir()
            make(root)
            done.touch()
    return root


@pytest.fixture(scope="session")
def parsed_home(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """A data directory whose dbt project is parsed (manifest ready) but nothing is built: for the
    quick tests that load the definitions. Copy it (``parsed_home_copy``) before changing it."""
    from pipelines.defs.project import dbt_project_for
    from pipelines.paths import DataHome, export_environment

    def parse(root: Path) -> None:
        home = DataHome(root / "data").ensure()
        announce(request, f"parsing the dbt project once for the quick tests into {home.root} …")
        saved = dict(os.environ)
        try:
            export_environment(home)  # dbt from this environment's bin folder
            dbt_project_for(home)
        finally:
            os.environ.clear()
            os.environ.update(saved)

    return shared_once(tmp_path_factory, "parsed", parse) / "data"


@pytest.fixture()
def parsed_home_copy(parsed_home: Path, tmp_path: Path) -> Path:
    """A private copy of ``parsed_home`` (dbt's partial parsing survives the move)."""
    target = tmp_path / "data"
    shutil.copytree(parsed_home, target, symlinks=True)
    return target


@pytest.fixture(scope="session")
def built_root(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """One full `tdpf build` of the embedded default: ``data`` (the data directory) beside
    ``user_home`` (the empty HOME the build ran with, which must stay empty)."""

    def build(root: Path) -> None:
        home, user_home = root / "data", root / "user_home"
        user_home.mkdir()
        announce(request, f"building the shared data directory once with `tdpf build` (2–3 minutes) into {home} …")
        started = time.perf_counter()
        result = run_tdpf(home, "build", user_home=user_home)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-6000:]
        announce(request, f"shared data directory built in {time.perf_counter() - started:.0f} s")

    return shared_once(tmp_path_factory, "built", build)


@pytest.fixture(scope="session")
def built_user_home(built_root: Path) -> Path:
    """The HOME given to the build of ``built_home``; it must stay empty."""
    return built_root / "user_home"


@pytest.fixture(scope="session")
def built_home(built_root: Path) -> Path:
    """A data directory after one full `tdpf build` of the embedded default (read-only for tests)."""
    return built_root / "data"


@pytest.fixture(scope="session")
def built_api(built_home: Path) -> Iterator[str]:
    """The API serving ``built_home`` over real HTTP (one server per test worker): its base URL."""
    from tests.helpers.api_server import run_api_server

    with run_api_server(built_home) as base_url:
        yield base_url


@pytest.fixture()
def home_copy(built_home: Path, tmp_path: Path) -> Path:
    """A private copy of the built data directory, for tests that change or rebuild it."""
    target = tmp_path / "data"
    shutil.copytree(built_home, target, symlinks=True)
    return target


@pytest.fixture()
def tdpf_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty data directory selected through TDPF_HOME, as the Makefile would."""
    home = tmp_path / "data"
    monkeypatch.setenv("TDPF_HOME", str(home))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    yield home


@pytest.fixture(scope="module")
def client(base_url: str) -> Iterator[httpx.Client]:
    """An HTTP client for the API server a test module starts (the module defines ``base_url``)."""
    with httpx.Client(base_url=base_url, timeout=10.0) as client:
        yield client
