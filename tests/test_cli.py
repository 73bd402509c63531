"""The `tdpf` console script: every command has help; paths follow TDPF_HOME."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import TDPF, run_tdpf

COMMANDS = ["build", "serve", "dev", "validate", "paths", "simulate", "standard", "quality"]


@pytest.mark.parametrize("command", [[], *([c] for c in COMMANDS)])
def test_every_command_has_help(command: list[str]) -> None:
    proc = subprocess.run([TDPF, *command, "--help"], capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "Usage" in proc.stdout


def test_paths_live_under_tdpf_home(tmp_path: Path) -> None:
    home = tmp_path / "elsewhere"
    out = run_tdpf(home, "paths").stdout
    lines = dict(line.split(None, 1) for line in out.strip().splitlines())
    assert {k: Path(v) for k, v in lines.items()} == {
        "root": home, "landing": home / "landing", "warehouse": home / "warehouse" / "tdpf.duckdb",
        "dagster_home": home / "dagster", "releases": home / "releases", "dbt_target": home / "dbt" / "target",
        "logs": home / "logs", "ckan": home / "ckan", "ckan_sync_reports": home / "ckan_sync",
    }
