"""Resources: the data directory, the DuckDB warehouse and the dbt CLI, all from one setting.

dagster-dbt (and dbt-core with it, ~2 s to import) is imported only where dbt runs
(``defs/dbt_cli.py``), so what a build reads before it knows whether anything changed — the
landing files' versions, the ingest assets — loads without it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.paths import DataHome

if TYPE_CHECKING:
    from dagster_dbt import DbtProject

#: Owner of every asset; shown in the Dagster UI.
OWNER = "team:data-platform"


class TdpfHome(dg.ConfigurableResource):
    """The data directory (TDPF_HOME): landing files, warehouse, releases."""

    root: str

    @property
    def home(self) -> DataHome:
        return DataHome(Path(self.root))


class WarehouseResource(DuckDBResource):
    """dagster-duckdb's resource, closing its connection even when the step raises.

    Its own ``get_connection`` closes only on success; a failed step would keep the file's
    write lock for as long as the traceback lives, and every later step of the run (and dbt)
    would find the warehouse locked.
    """

    @contextmanager
    def get_connection(self) -> Iterator[object]:  # type: ignore[override]
        with super().get_connection() as conn:
            try:
                yield conn
            finally:
                conn.close()


def build_resources(home: DataHome, dbt_project: DbtProject) -> dict[str, object]:
    """Resources for one data directory: Dagster and dbt share the warehouse path."""
    from pipelines.defs.dbt_cli import TdpfDbtCliResource

    from pipelines.defs.ckan import CkanSyncResource

    return {
        "tdpf": TdpfHome(root=str(home.root)),
        "ckan": CkanSyncResource(),
        "duckdb": WarehouseResource(database=str(home.warehouse), connection_config=home.duckdb_settings()),
        "dbt": TdpfDbtCliResource(project_dir=dbt_project),
    }
