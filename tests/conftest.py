"""Shared fixtures: real data directories built by the real `tdpf build` (Dagster + dbt)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEED_REPORT = SHARED / "seeds" / "000_046b7c1cce3dd48b.txt"
LANDING_REPORT = REPO / "pipelines" / "sources" / "bureau_report" / "jigyo_gaiyo_r5_tables.md"
TDPF = str(Path(sys.executable).parent / "tdpf")


def run_tdpf(home: Path, *args: str, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    """Run the real console script against ``home`` (a fresh process, as a user would)."""
    env = {**os.environ, "TDPF_HOME": str(home)}
    env.pop("DAGSTER_HOME", None)
    return subprocess.run(
        [TDPF, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="session")
def built_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory after one full `tdpf build` of the embedded default (read-only for tests)."""
    home = tmp_path_factory.mktemp("built") / "data"
    result = run_tdpf(home, "build")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-6000:]
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
