"""The Dagster code location: one ``Definitions`` for the data directory in ``TDPF_HOME``.

DuckDB allows one writer per file, so every run executes in one process (the in-process
executor): steps run one after another and never fight over the warehouse lock. The scale
path (see docs/architecture.md) swaps this for PostgreSQL run storage and a multi-process
executor once the warehouse is a server.
"""


import dagster as dg

from pipelines.defs.bureau_report import INGEST_ASSETS
from pipelines.defs.project import dbt_project_for
from pipelines.defs.publish import build_publish_assets
from pipelines.defs.quality import build_quality_asset
from pipelines.defs.resources import build_resources
from pipelines.defs.transform import build_dbt_assets
from pipelines.paths import DataHome, data_home, export_environment

BUILD_JOB = "tdpf_build"


def build_definitions(home: DataHome) -> dg.Definitions:
    """Everything for one data directory: ingest → transform → quality → publish."""
    home.ensure()
    export_environment(home)
    project = dbt_project_for(home)
    dbt_models = build_dbt_assets(project)
    quality = build_quality_asset(dbt_models)
    publish = build_publish_assets(project, dbt_models, quality)
    build_job = dg.define_asset_job(
        BUILD_JOB, selection=dg.AssetSelection.all(),
        description="Build everything: ingest the landing files, run dbt, record checks, publish releases.",
    )
    return dg.Definitions(
        assets=[*INGEST_ASSETS, dbt_models, quality, *publish],
        jobs=[build_job],
        resources=build_resources(home, project),
        executor=dg.in_process_executor,
    )


@dg.definitions
def defs() -> dg.Definitions:
    """Entry point for ``dagster dev`` / ``dagster definitions validate`` (workspace.yaml)."""
    return build_definitions(data_home())
