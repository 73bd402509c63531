"""The Dagster code location: loading, structure, and the events of the real build all tests share."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from pipelines.definitions import build_definitions
from pipelines.paths import DataHome
from pipelines.standard.spec import load_spec
from tests.conftest import REPO

EXPECTED_GROUPS = {"ingest", "transform", "publish"}


@pytest.fixture(scope="module")
def graph_run(built_home: Path) -> tuple[dg.Definitions, "AllEvents", Path]:
    """The events of the shared build (`tdpf build` of the embedded default), from its Dagster instance:
    the unpartitioned assets, every simulated day of the partitioned ones, then publication."""
    saved = dict(os.environ)
    try:
        defs = build_definitions(DataHome(built_home))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    instance = dg.DagsterInstance.from_config(str(built_home / "dagster"))
    try:
        events = AllEvents(instance)
    finally:
        instance.dispose()
    return defs, events, built_home


class AllEvents:
    """Every event of every run the build made, as one result."""

    def __init__(self, instance: dg.DagsterInstance) -> None:
        runs = instance.get_runs()
        self.jobs = sorted(r.job_name for r in runs)
        self.success = bool(runs) and all(r.status == dg.DagsterRunStatus.SUCCESS for r in runs)
        self.all_events = [record.dagster_event for run in runs for record in instance.all_logs(run.run_id)
                           if record.dagster_event is not None]

    def asset_materializations_for_node(self, node: str) -> list[dg.AssetMaterialization]:
        return [e.event_specific_data.materialization for e in self.all_events
                if e.event_type_value == "ASSET_MATERIALIZATION" and e.step_key == node]


@pytest.mark.slow
def test_whole_graph_materialises_into_a_temporary_data_directory(graph_run) -> None:  # type: ignore[no-untyped-def]
    defs, result, home = graph_run
    assert result.success and result.jobs == sorted(["tdpf_prepare", "registers", "smart_pole_daily",
                                                     "tdpf_publish", "tdpf_ckan_sync"])
    materialised = {m.asset_key for m in result.asset_materializations_for_node("tdpf_dbt_models")}
    all_keys = set(defs.resolve_asset_graph().get_all_asset_keys())
    done = {e.asset_key for e in result.all_events if e.event_type_value == "ASSET_MATERIALIZATION"}
    assert done == all_keys, all_keys - done
    assert dg.AssetKey(["marts", "bureau_expenditure"]) in materialised
    assert (home / "releases" / "index.json").exists()


@pytest.mark.slow
def test_every_materialisation_reports_row_count_schema_and_preview(graph_run) -> None:  # type: ignore[no-untyped-def]
    _, result, _ = graph_run
    tables = [
        e.event_specific_data.materialization for e in result.all_events
        if e.event_type_value == "ASSET_MATERIALIZATION"
        and (e.event_specific_data.materialization.asset_key.path[0] == "raw"
             or e.event_specific_data.materialization.asset_key.path[-1] in ("bureau_expenditure", "bureau_staffing_by_rank")
             and e.event_specific_data.materialization.asset_key.path[0] == "marts")
    ]
    registers = {f"register_{s.id.replace('-', '_')}" for s in load_spec()}
    assert {m.asset_key.path[-1] for m in tables} == {
        "bureau_budget_lines", "bureau_staffing_by_rank", "bureau_staffing_by_job_type",
        "bureau_programme_figures", "smart_pole_register", "smart_pole_readings", "bureau_expenditure",
        "platform_catalogue", "register_issues", "register_sources", "registry_sources", *registers}
    for m in tables:
        if m.asset_key.path[-1] != "register_open_data_list":  # no municipality registers one
            assert m.metadata["dagster/row_count"].value > 0, m.asset_key
        assert m.metadata["dagster/column_schema"].schema.columns, m.asset_key
        assert "|" in m.metadata["preview"].value, m.asset_key


@pytest.mark.slow
def test_dbt_tests_and_quality_gates_run_as_asset_checks_and_pass(graph_run) -> None:  # type: ignore[no-untyped-def]
    _, result, _ = graph_run
    checks = [
        e.event_specific_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"
    ]
    assert len(checks) >= 40
    errors = [c.check_name for c in checks if not c.passed and c.severity == dg.AssetCheckSeverity.ERROR]
    assert errors == []  # only warnings may fail on the embedded data (e.g. hours with gaps)
    names = {c.check_name for c in checks}
    assert any(n.startswith("unique_combination_bureau_expenditure") for n in names)  # dbt's, through dagster-dbt
    gates = {c.check_name for c in checks if c.blocking}
    assert {"dbt_tests", "humidity_0_to_100", "in_japan_latitude", "lg_code_local_government_code"} <= gates


def test_assets_are_grouped_described_owned_and_kinded(parsed_home_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TDPF_HOME", str(parsed_home_copy))
    defs = build_definitions(DataHome(parsed_home_copy))
    specs = list(defs.resolve_all_asset_specs())
    assert {s.group_name for s in specs} >= EXPECTED_GROUPS
    for spec in specs:
        assert spec.description, spec.key
        assert spec.owners == ["team:data-platform"], spec.key
        assert spec.kinds, spec.key
    by_key = {s.key: s for s in specs}
    # lineage: dbt's staging models read the tables the ingest assets write
    stg = by_key[dg.AssetKey(["staging", "stg_bureau_report__budget_lines"])]
    assert dg.AssetKey(["raw", "bureau_budget_lines"]) in {d.asset_key for d in stg.deps}


def test_dagster_definitions_validate_passes(parsed_home_copy: Path) -> None:
    home = DataHome(parsed_home_copy).ensure()  # its dagster.yaml turns telemetry off
    env = {**os.environ, "TDPF_HOME": str(home.root), "DAGSTER_HOME": str(home.dagster_home)}
    dagster = str(Path(sys.executable).parent / "dagster")
    proc = subprocess.run(
        [dagster, "definitions", "validate", "-w", "workspace.yaml"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Validation successful for code location pipelines" in proc.stderr + proc.stdout


@pytest.mark.slow
def test_dagster_cli_materialises_one_asset(parsed_home_copy: Path) -> None:
    """The README's command for materialising one asset from the command line."""
    home = DataHome(parsed_home_copy).ensure().root
    env = {**os.environ, "TDPF_HOME": str(home), "DAGSTER_HOME": str(home / "dagster")}
    dagster = str(Path(sys.executable).parent / "dagster")
    proc = subprocess.run(
        [dagster, "asset", "materialize", "-m", "pipelines.definitions", "--select", "raw/bureau_budget_lines"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    import duckdb

    con = duckdb.connect(str(home / "warehouse" / "tdpf.duckdb"), read_only=True)
    assert con.execute("SELECT sum(amount_stated) FROM raw.bureau_budget_lines WHERE table_id = 'budget_revenue'").fetchone()[0] == 2 * 28_069_243
