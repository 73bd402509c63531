"""Transform: the dbt project (staging → intermediate → marts) as Dagster assets.

Each dbt step builds its models first and then runs their tests, so a failing test never
leaves a model unbuilt (``dbt build`` would skip its children): every dataset reaches its
quality gate, which holds back only the datasets whose tests failed. dbt's tests become Dagster
asset checks with their results (not blocking inside the dbt step, see ``defs/quality.py``);
the step fails when a model or seed fails to build.
"""


import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)
from dagster_duckdb import DuckDBResource

from pipelines.dbt_results import record_test_results
from pipelines.defs.resources import OWNER, TdpfHome
from pipelines.warehouse import table_metadata

DBT_BUILD_TARGET = "build"  # folder under <TDPF_HOME>/dbt/target for the build's artifacts
DBT_DAILY_TARGET = "daily"  # … and for the day-partitioned models' builds
DAILY_TAG = "smart_poles_daily"


class TdpfDbtTranslator(DagsterDbtTranslator):
    """Puts every dbt model in the ``transform`` group with the platform team as owner."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props.get("resource_type") == "seed":
            return "reference"
        return "transform"

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        return [OWNER]

    def get_asset_check_spec(self, asset_spec: dg.AssetSpec, manifest: Mapping[str, Any], unique_id: str,
                             project: DbtProject | None) -> dg.AssetCheckSpec | None:
        # Blocking inside the multi-asset dbt step would fail the step, holding back every dataset
        # it builds; each dataset's quality gate blocks on its own tests instead.
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        return spec._replace(blocking=False) if spec is not None else None


# Two dbt sources can be written by one ingest asset (the register asset writes the pole and
# device tables), so two sources may share an asset key.
TRANSLATOR = TdpfDbtTranslator(
    settings=DagsterDbtTranslatorSettings(enable_asset_checks=True, enable_duplicate_source_asset_keys=True)
)


def build_dbt_assets(project: DbtProject) -> dg.AssetsDefinition:
    """The unpartitioned dbt models and seeds as one multi-asset running ``dbt build``."""

    @dbt_assets(
        manifest=project.manifest_path, project=project, dagster_dbt_translator=TRANSLATOR,
        exclude=f"tag:{DAILY_TAG}",
    )
    def tdpf_dbt_models(
        context: dg.AssetExecutionContext, dbt: DbtCliResource, duckdb: DuckDBResource, tdpf: TdpfHome
    ) -> Iterator[Any]:
        # A build runs these models in two jobs (before and after the partitioned data); "cautious"
        # keeps a test out of a run that does not build every model the test reads.
        yield from _run_dbt(context, dbt, duckdb, tdpf.home.dbt_target / DBT_BUILD_TARGET,
                            ["--indirect-selection", "cautious"])

    return tdpf_dbt_models


def build_daily_dbt_assets(project: DbtProject, partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    """The smart-pole models, built for the JST days of the run's partition range.

    The days reach dbt as ``min_day`` / ``max_day`` vars; the incremental marts replace
    exactly those days (delete+insert on ``day``), so one late file rebuilds one day.
    """

    @dbt_assets(
        manifest=project.manifest_path, project=project, dagster_dbt_translator=TRANSLATOR,
        select=f"tag:{DAILY_TAG}", partitions_def=partitions,
        backfill_policy=dg.BackfillPolicy.single_run(), name="smart_pole_dbt_models",
    )
    def smart_pole_dbt_models(
        context: dg.AssetExecutionContext, dbt: DbtCliResource, duckdb: DuckDBResource, tdpf: TdpfHome
    ) -> Iterator[Any]:
        keys = context.partition_keys
        variables = json.dumps({"min_day": min(keys), "max_day": max(keys)})
        yield from _run_dbt(context, dbt, duckdb, tdpf.home.dbt_target / DBT_DAILY_TARGET, ["--vars", variables])

    return smart_pole_dbt_models


def _run_dbt(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, duckdb: DuckDBResource, target: Path,
    args: list[str],
) -> Iterator[Any]:
    """Build the selected models and seeds, then test them (see the module docstring)."""
    build = dbt.cli(["build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test", *args],
                    context=context, target_path=target, raise_on_error=False)
    yield from _with_table_metadata(context, build, duckdb, target)
    if not build.is_successful():
        raise dg.Failure(description="dbt build failed: " + _failures(build), allow_retries=False)
    tests = dbt.cli(["test", *args], context=context, target_path=target, raise_on_error=False)
    yield from _with_table_metadata(context, tests, duckdb, target)
    failed = _failures(tests, statuses=("error",))
    if failed:  # a test that could not run (bad SQL) is a broken project, not bad data
        raise dg.Failure(description="dbt tests could not run: " + failed, allow_retries=False)


def _with_table_metadata(context: dg.AssetExecutionContext, invocation: Any, duckdb: DuckDBResource,
                         target: Path) -> Iterator[Any]:
    """Stream an invocation's events, then record its tests; models get row count, schema and preview."""
    # dbt holds the DuckDB file while it runs; table metadata is read once it has finished.
    events = list(invocation.stream())
    relations = _relations(invocation.manifest)
    with duckdb.get_connection() as conn:
        record_test_results(conn, target)
        for event in events:
            key = context.asset_key_for_output(event.output_name) if isinstance(event, dg.Output) else None
            if key in relations:
                relation, descriptions = relations[key]
                try:
                    extra = table_metadata(conn, relation, descriptions)
                except Exception as exc:  # a model that failed has no table to describe
                    context.log.warning(f"no metadata for {relation}: {exc}")
                    extra = {}
                event = event.with_metadata({**event.metadata, **extra})
            yield event


def _relations(manifest: Mapping[str, Any]) -> dict[dg.AssetKey, tuple[str, dict[str, str]]]:
    """Asset key → (schema.table, column descriptions) for each model and seed."""
    out: dict[dg.AssetKey, tuple[str, dict[str, str]]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] not in ("model", "seed"):
            continue
        descriptions = {c: v.get("description", "") for c, v in node.get("columns", {}).items()}
        out[TRANSLATOR.get_asset_key(node)] = (f'"{node["schema"]}"."{node["alias"]}"', descriptions)
    return out


def _failures(invocation: Any, statuses: tuple[str, ...] = ("error", "fail")) -> str:
    """One line per failed model or test, from dbt's run_results.json ("" when none)."""
    try:
        results = invocation.get_artifact("run_results.json")["results"]
    except Exception:  # noqa: BLE001 - the artifact may be missing when dbt could not start
        error = invocation.get_error()
        return str(error) if error else "no run_results.json; see the dbt log"
    lines = [
        f"{r['unique_id']}: {r['status']} — {(r.get('message') or '').strip()}"
        for r in results if r["status"] in statuses
    ]
    return "; ".join(lines)
