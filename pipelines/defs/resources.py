"""Resources: the data directory, the DuckDB warehouse and the dbt CLI, all from one setting."""


from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject
from dagster_duckdb import DuckDBResource
from packaging import version

from pipelines.paths import DataHome

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


class TdpfDbtCliResource(DbtCliResource):
    """dagster-dbt's dbt CLI resource without two costs paid before every dbt command.

    Before starting dbt, dagster-dbt loads the project, the profile and every macro in process to
    build an adapter (about 3 s), used only by ``fetch_row_counts``/``fetch_column_metadata``;
    this project describes its relations from the warehouse itself (``defs/transform.py``). And
    each run asks ``dbt --version`` in a subprocess (about 1.5 s); the dbt it runs is the dbt-core
    installed beside this interpreter (``paths.export_environment`` puts it first on PATH).
    """

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:  # type: ignore[override]
        return None

    @cached_property
    def _cli_version(self) -> version.Version:
        from dbt.version import __version__

        return version.parse(__version__)


def build_resources(home: DataHome, dbt_project: DbtProject) -> dict[str, object]:
    """Resources for one data directory: Dagster and dbt share the warehouse path."""
    return {
        "tdpf": TdpfHome(root=str(home.root)),
        "duckdb": WarehouseResource(database=str(home.warehouse)),
        "dbt": TdpfDbtCliResource(project_dir=dbt_project),
    }
