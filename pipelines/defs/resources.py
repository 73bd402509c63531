"""Resources: the data directory, the DuckDB warehouse and the dbt CLI, all from one setting."""


from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject
from dagster_duckdb import DuckDBResource

from pipelines.paths import DataHome

#: Owner of every asset; shown in the Dagster UI.
OWNER = "team:data-platform"


class TdpfHome(dg.ConfigurableResource):
    """The data directory (TDPF_HOME): landing files, warehouse, releases."""

    root: str

    @property
    def home(self) -> DataHome:
        return DataHome(Path(self.root))


def build_resources(home: DataHome, dbt_project: DbtProject) -> dict[str, object]:
    """Resources for one data directory: Dagster and dbt share the warehouse path."""
    return {
        "tdpf": TdpfHome(root=str(home.root)),
        "duckdb": DuckDBResource(database=str(home.warehouse)),
        "dbt": DbtCliResource(project_dir=dbt_project),
    }
