"""The Dagster code location: one ``Definitions`` for the data directory in ``TDPF_HOME``.

DuckDB allows one writer per file, so every run executes in one process (the in-process
executor): steps run one after another and never fight over the warehouse lock. The scale
path (see docs/architecture.md) swaps this for PostgreSQL run storage and a multi-process
executor once the warehouse is a server.
"""


import json

import dagster as dg

from pipelines.defs.bureau_report import INGEST_ASSETS
from pipelines.defs.ckan import build_ckan_sync_asset
from pipelines.defs.jobs import build_jobs
from pipelines.defs.project import dbt_project_for
from pipelines.defs.publish import build_publish_assets
from pipelines.defs.quality import build_quality_gates, gate_targets
from pipelines.defs.resources import build_resources
from pipelines.defs.smart_poles import SMART_POLE_ASSETS, smart_pole_days
from pipelines.defs.automation import build_automation
from pipelines.defs.registers import (
    build_catalogue_asset,
    build_register_assets,
    build_registry_asset,
    load_standard_inputs,
)
from pipelines.defs.transform import build_daily_dbt_assets, build_dbt_assets
from pipelines.paths import DataHome, data_home, export_environment


def build_definitions(home: DataHome) -> dg.Definitions:
    """Everything for one data directory: ingest → transform → quality → publish."""
    home.ensure()
    export_environment(home)
    project = dbt_project_for(home)
    spec, registry = load_standard_inputs()
    registers, publishers = build_register_assets(spec, registry)
    catalogue = build_catalogue_asset(spec, project.manifest_path)
    registered = build_registry_asset(spec, registry)
    dbt_models = build_dbt_assets(project)
    daily_models = build_daily_dbt_assets(project, smart_pole_days)
    manifest = json.loads(project.manifest_path.read_text(encoding="utf-8"))
    targets = gate_targets(manifest)
    gates = build_quality_gates(targets)
    publish = build_publish_assets(manifest, targets)
    ckan_sync = build_ckan_sync_asset([key for release in publish for key in release.keys])
    assets = [*INGEST_ASSETS, *SMART_POLE_ASSETS, registers, registered, catalogue, dbt_models, daily_models, *publish,
              ckan_sync]
    jobs = build_jobs(assets, smart_pole_days, publishers, gates)
    built: list[dg.Definitions] = []  # the automation plans against these definitions, once they exist
    schedules, sensors = build_automation(home, jobs, lambda: built[0])
    definitions = dg.Definitions(
        assets=assets,
        asset_checks=gates,
        jobs=jobs,
        schedules=schedules,
        sensors=sensors,
        resources=build_resources(home, project),
        executor=dg.in_process_executor,
    )
    built.append(definitions)
    return definitions


@dg.definitions
def defs() -> dg.Definitions:
    """Entry point for ``dagster dev`` / ``dagster definitions validate`` (workspace.yaml)."""
    return build_definitions(data_home())
