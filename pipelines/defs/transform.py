"""Transform: the dbt project (staging → intermediate → marts) as Dagster assets.

Each dbt step is one ``dbt build`` (models, seeds and their tests). dbt runs every test as a
warning (``dbt_project.yml``), so a failing test never leaves a model unbuilt: every dataset
reaches its quality gate, which holds back only the datasets whose tests failed. dbt's tests
become Dagster asset checks with their results (not blocking inside the dbt step, see
``defs/quality.py``); the step fails when a model or seed fails to build.

Every invocation shares one target folder (``<TDPF_HOME>/dbt/target``), the one the code location
parsed the project into, so dbt's partial parsing carries from one invocation to the next.
"""


import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
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

from pipelines.dbt_manifest import built_nodes, column_descriptions, relation_of
from pipelines.dbt_results import record_test_results
from pipelines.defs.resources import OWNER, TdpfHome
from pipelines.warehouse import table_metadata

DAILY_TAG = "smart_poles_daily"
#: The day range a daily step builds reaches dbt as these variables (macros/build_days.sql).
DAY_RANGE_VARIABLES = ("TDPF_DBT_MIN_DAY", "TDPF_DBT_MAX_DAY")


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
        yield from _run_dbt(context, dbt, duckdb, tdpf, ["--indirect-selection", "cautious"])

    return tdpf_dbt_models


def build_daily_dbt_assets(project: DbtProject, partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    """The smart-pole models, built for the JST days of the run's partition range.

    The days reach dbt as environment variables (``DAY_RANGE_VARIABLES``); the incremental
    models replace exactly those days (delete+insert on ``day``), so one late file rebuilds one day.
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
        days = dict(zip(DAY_RANGE_VARIABLES, (min(keys), max(keys))))
        yield from _run_dbt(context, dbt, duckdb, tdpf, [], environment=days)

    return smart_pole_dbt_models


@contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    """Set ``values`` for the dbt subprocess started inside the block (dagster-dbt copies os.environ).

    Runs use the in-process executor, one step at a time, so no other step sees them.
    """
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _run_dbt(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, duckdb: DuckDBResource, tdpf: TdpfHome,
    args: list[str], environment: Mapping[str, str] | None = None,
) -> Iterator[Any]:
    """One ``dbt build`` of the selected models, seeds and tests (see the module docstring)."""
    target = tdpf.home.dbt_target
    with _environment(environment or {}):
        invocation = dbt.cli(["build", *args], context=context, target_path=target, raise_on_error=False)
        # dbt holds the DuckDB file while it runs; table metadata is read once it has finished.
        events = list(invocation.stream())
    yield from _with_table_metadata(context, events, invocation.manifest, duckdb, target)
    broken = _failures(invocation, resource_types=("model", "seed"))
    if broken:
        raise dg.Failure(description="dbt build failed: " + broken, allow_retries=False)
    unrunnable = _failures(invocation, resource_types=("test",), statuses=("error",))
    if unrunnable:  # a test that could not run (bad SQL) is a broken project, not bad data
        raise dg.Failure(description="dbt tests could not run: " + unrunnable, allow_retries=False)


def _with_table_metadata(context: dg.AssetExecutionContext, events: list[Any], manifest: Mapping[str, Any],
                         duckdb: DuckDBResource, target: Path) -> Iterator[Any]:
    """Record the invocation's tests, then give each model its row count, schema and preview.

    A partitioned run reports each model once per day; the relation is described once.
    """
    relations = _relations(manifest)
    described: dict[str, dict[str, Any]] = {}
    with duckdb.get_connection() as conn:
        record_test_results(conn, target, manifest)
        for event in events:
            key = context.asset_key_for_output(event.output_name) if isinstance(event, dg.Output) else None
            if key in relations:
                relation, descriptions = relations[key]
                if relation not in described:
                    try:
                        described[relation] = table_metadata(conn, relation, descriptions)
                    except Exception as exc:  # a model that failed has no table to describe
                        context.log.warning(f"no metadata for {relation}: {exc}")
                        described[relation] = {}
                event = event.with_metadata({**event.metadata, **described[relation]})
            yield event


def _relations(manifest: Mapping[str, Any]) -> dict[dg.AssetKey, tuple[str, dict[str, str]]]:
    """Asset key → (schema.table, column descriptions) for each model and seed."""
    return {TRANSLATOR.get_asset_key(node): (relation_of(node), column_descriptions(node))
            for node in built_nodes(manifest)}


def _failures(invocation: Any, resource_types: tuple[str, ...],
              statuses: tuple[str, ...] = ("error", "fail")) -> str:
    """One line per failed node of ``resource_types``, from dbt's run_results.json ("" when none)."""
    try:
        results = invocation.get_artifact("run_results.json")["results"]
    except Exception:  # noqa: BLE001 - the artifact may be missing when dbt could not start
        error = invocation.get_error()
        return str(error) if error else "no run_results.json; see the dbt log"
    lines = [
        f"{r['unique_id']}: {r['status']} — {(r.get('message') or '').strip()}"
        for r in results
        if r["status"] in statuses and r["unique_id"].split(".", 1)[0] in resource_types
    ]
    return "; ".join(lines)
