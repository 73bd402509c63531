"""The one data directory that holds all state: landing files, warehouse, Dagster, releases.

One setting (``TDPF_HOME``) decides every path, for Dagster, dbt (through ``profiles.yml``),
the CLI and the API alike, so no two parts can ever point at different files.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

#: The repository root: shipped sources and the dbt project live here, never data.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
SHIPPED_SOURCES_DIR = Path(__file__).resolve().parent / "sources"

_DAGSTER_YAML_HEADER = "# Written by tdpf: local Dagster instance storage for this data directory."
_DAGSTER_YAML = f"""\
{_DAGSTER_YAML_HEADER}
telemetry:
  enabled: false
# Dagster's own storage in this folder, its event log keeping its databases open (pipelines/dagster_storage.py)
instance_class:
  module: pipelines.dagster_storage
  class: TdpfInstance
"""


@dataclass(frozen=True)
class DataHome:
    """Paths inside the data directory; nothing is written outside it."""

    root: Path

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse" / "tdpf.duckdb"

    @property
    def dagster_home(self) -> Path:
        return self.root / "dagster"

    @property
    def releases(self) -> Path:
        return self.root / "releases"

    @property
    def ckan(self) -> Path:
        """A local CKAN's instance (``tdpf ckan up``): its database, Redis, ckan.ini, logs and state."""
        return self.root / "ckan"

    @property
    def ckan_sync_reports(self) -> Path:
        """Every CKAN sync's report as JSON (``latest.json``: the last one)."""
        return self.root / "ckan_sync"

    @property
    def dbt_target(self) -> Path:
        return self.root / "dbt" / "target"

    @property
    def dbt_project(self) -> Path:
        """Where dbt runs for this data directory (links to ``dbt_project/``, see defs/project.py)."""
        return self.root / "dbt" / "project"

    @property
    def dbt_logs(self) -> Path:
        return self.root / "dbt" / "logs"

    @property
    def logs(self) -> Path:
        """Build logs: every Dagster event and dbt's output of one ``tdpf build`` per file."""
        return self.root / "logs"

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    @property
    def spill(self) -> Path:
        """DuckDB's temp directory (larger-than-memory work), beside the warehouse; swept after each build."""
        return self.warehouse.with_name(self.warehouse.name + ".tmp")

    def duckdb_settings(self) -> dict[str, str]:
        """What every DuckDB connection of a build runs with: a memory ceiling.

        ``TDPF_DUCKDB_MEMORY_LIMIT`` (default 512MB) bounds DuckDB's buffers; work larger than that
        spills to DuckDB's default temp directory, the database path + ``.tmp`` (:attr:`spill`),
        which is under the data directory already. It is not set explicitly: dbt-duckdb applies a
        profile's settings on every connection, and DuckDB refuses to set ``temp_directory`` again
        once something has spilled. dbt's profile reads the same variable.
        """
        return {"memory_limit": duckdb_memory_limit()}

    def ensure(self) -> "DataHome":
        """Create the directories and the Dagster instance config (idempotent)."""
        for d in (self.landing, self.warehouse.parent, self.dagster_home, self.releases,
                  self.dbt_target, self.dbt_logs, self.logs, self.tmp):
            d.mkdir(parents=True, exist_ok=True)
        cfg = self.dagster_home / "dagster.yaml"
        current = cfg.read_text(encoding="utf-8") if cfg.exists() else None
        if current is None or (current.startswith(_DAGSTER_YAML_HEADER) and current != _DAGSTER_YAML):
            cfg.write_text(_DAGSTER_YAML, encoding="utf-8")  # ours and outdated: upgraded; a user's own: kept
        return self


def data_home() -> DataHome:
    """The data directory from ``TDPF_HOME`` (default ``./data``), as an absolute path."""
    return DataHome(Path(os.environ.get("TDPF_HOME", "data")).expanduser().resolve())


#: DuckDB's memory ceiling unless ``TDPF_DUCKDB_MEMORY_LIMIT`` says otherwise (a DuckDB size: 1GB, 512MB …).
DEFAULT_DUCKDB_MEMORY_LIMIT = "512MB"


def duckdb_memory_limit() -> str:
    return os.environ.get("TDPF_DUCKDB_MEMORY_LIMIT") or DEFAULT_DUCKDB_MEMORY_LIMIT


def export_environment(home: DataHome) -> None:
    """Point every tool at ``home``: dbt reads these variables, Dagster reads DAGSTER_HOME.

    dbt runs as a subprocess and inherits the environment, so the warehouse path in
    ``profiles.yml`` and the Dagster resource are computed from the same value. Telemetry
    is off everywhere: the machine has no network and a user's data stays local.
    """
    os.environ["TDPF_HOME"] = str(home.root)
    os.environ["DAGSTER_HOME"] = str(home.dagster_home)
    os.environ["DBT_LOG_PATH"] = str(home.dbt_logs)
    os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    os.environ["DBT_USE_COLORS"] = "false"  # dbt's lines go to log files; no colour codes in them
    os.environ["DO_NOT_TRACK"] = "1"
    os.environ["DAGSTER_DISABLE_TELEMETRY"] = "1"
    # dagster-dbt runs ``dbt`` from PATH; make it the one installed beside this interpreter
    # even when the virtualenv is not activated (e.g. ``.venv/bin/dagster dev``).
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
