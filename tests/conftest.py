"""Shared fixtures: real data directories built by the real `tdpf build` (Dagster + dbt)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

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


@pytest.fixture(scope="session")
def parsed_home(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """A data directory whose dbt project is parsed (manifest ready) but nothing is built: for the
    quick tests that load the definitions. Copy it (``parsed_home_copy``) before changing it."""
    from pipelines.defs.project import dbt_project_for
    from pipelines.paths import DataHome, export_environment

    home = DataHome(tmp_path_factory.mktemp("parsed") / "data").ensure()
    announce(request, f"parsing the dbt project once for the quick tests into {home.root} …")
    saved = dict(os.environ)
    try:
        export_environment(home)  # dbt from this environment's bin folder
        dbt_project_for(home)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return home.root


@pytest.fixture()
def parsed_home_copy(parsed_home: Path, tmp_path: Path) -> Path:
    """A private copy of ``parsed_home`` (dbt's partial parsing survives the move)."""
    target = tmp_path / "data"
    shutil.copytree(parsed_home, target, symlinks=True)
    return target


@pytest.fixture(scope="session")
def built_user_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty HOME given to the build of ``built_home``; it must stay empty."""
    return tmp_path_factory.mktemp("user_home")


@pytest.fixture(scope="session")
def built_home(tmp_path_factory: pytest.TempPathFactory, built_user_home: Path,
               request: pytest.FixtureRequest) -> Path:
    """A data directory after one full `tdpf build` of the embedded default (read-only for tests)."""
    home = tmp_path_factory.mktemp("built") / "data"
    announce(request, f"building the shared data directory once with `tdpf build` (2–3 minutes) into {home} …")
    started = time.perf_counter()
    result = run_tdpf(home, "build", user_home=built_user_home)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-6000:]
    announce(request, f"shared data directory built in {time.perf_counter() - started:.0f} s")
    return home


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
