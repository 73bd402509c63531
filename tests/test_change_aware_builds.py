"""A build redoes only what changed: proved from the Dagster event log of real `tdpf build` runs."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import pytest

from pipelines.standard.samples import EMBEDDED_BAD_ROWS
from tests.conftest import run_tdpf

pytestmark = pytest.mark.slow


def _instance(home: Path) -> dg.DagsterInstance:
    return dg.DagsterInstance.from_config(str(home / "dagster"))


def _run_ids(home: Path) -> set[str]:
    instance = _instance(home)
    try:
        return {r.run_id for r in instance.get_runs()}
    finally:
        instance.dispose()


def _new_runs(home: Path, before: set[str]) -> tuple[list[str], set[tuple[str, str | None]]]:
    """Jobs of the runs made since ``before``, and every (asset, partition) they materialised."""
    instance = _instance(home)
    try:
        runs = [r for r in instance.get_runs() if r.run_id not in before]
        materialised = {
            (record.dagster_event.asset_key.to_user_string(), record.dagster_event.partition)
            for run in runs for record in instance.all_logs(run.run_id)
            if record.dagster_event is not None and record.dagster_event.event_type_value == "ASSET_MATERIALIZATION"
        }
        return sorted(r.job_name for r in runs), materialised
    finally:
        instance.dispose()


def _current(home: Path) -> dict[str, tuple[int, str]]:
    index = json.loads((home / "releases" / "index.json").read_text(encoding="utf-8"))
    return {d: (e["current_version"], next(v["content_hash"] for v in e["versions"] if v["version"] == e["current_version"]))
            for d, e in index["datasets"].items()}


def test_a_build_with_nothing_changed_runs_no_dbt_and_creates_no_release(home_copy: Path) -> None:
    index = home_copy / "releases" / "index.json"
    run_results = home_copy / "dbt" / "target" / "run_results.json"
    index_before, results_before = index.read_bytes(), run_results.stat().st_mtime_ns
    runs_before = _run_ids(home_copy)

    result = run_tdpf(home_copy, "build")
    assert result.returncode == 0, result.stderr[-3000:]
    said = [line for line in result.stderr.splitlines() if "Nothing changed" in line]
    assert len(said) == 1 and "no dbt run, nothing published" in said[0]
    assert "definitions loaded" not in result.stderr  # settled: not even the definitions were needed
    assert _run_ids(home_copy) == runs_before  # no Dagster run at all
    assert run_results.stat().st_mtime_ns == results_before  # dbt did not run
    assert index.read_bytes() == index_before


def test_one_changed_register_reingests_its_publisher_and_rebuilds_only_its_models(home_copy: Path) -> None:
    bad = next(b for b in EMBEDDED_BAD_ROWS if b.source_id.endswith("aed"))  # 新宿区's AED file
    path = home_copy / "landing" / bad.file
    lines = path.read_bytes().split(b"\r\n")
    # the corrected file arrives: the quarantined row's wrong code (131042) is now 新宿区's own
    lines[bad.line - 1] = lines[bad.line - 1].replace(bad.value.encode(), b"131041")
    path.write_bytes(b"\r\n".join(lines))
    before, runs_before = _current(home_copy), _run_ids(home_copy)

    result = run_tdpf(home_copy, "build")
    assert result.returncode == 0, result.stderr[-3000:]
    jobs, materialised = _new_runs(home_copy, runs_before)
    assert jobs == ["registers", "tdpf_ckan_sync", "tdpf_publish"]  # the sync follows a new release
    raw = {m for m in materialised if m[0].startswith("raw/")}
    assert raw == {("raw/register_aed_locations", "131041"), ("raw/register_issues", "131041"),
                   ("raw/register_sources", "131041")}
    models = {a for a, _ in materialised if a.startswith(("staging/", "intermediate/", "marts/"))}
    assert models == {"staging/stg_registers__aed_locations", "marts/std_aed_locations"}
    assert {a for a, _ in materialised if a.startswith("release/")} == {"release/std_aed_locations"}

    after = _current(home_copy)
    assert after["aed-locations"][0] == before["aed-locations"][0] + 1  # the corrected row is published
    assert {d: v for d, v in after.items() if d != "aed-locations"} == \
           {d: v for d, v in before.items() if d != "aed-locations"}


def test_a_build_finishes_what_an_earlier_run_left_behind(home_copy: Path) -> None:
    """An ingest ran alone (as a run stopped after it would leave things): its models and releases follow."""
    select = run_tdpf(home_copy, "build", "--select", "raw/bureau_staffing_by_job_type")
    assert select.returncode == 0, select.stderr[-3000:]
    runs_before = _run_ids(home_copy)

    result = run_tdpf(home_copy, "build")  # that run voids the no-change shortcut: the planner looks
    assert result.returncode == 0, result.stderr[-3000:]
    assert "an upstream asset was rebuilt after it" in result.stderr
    _, materialised = _new_runs(home_copy, runs_before)
    assert ("marts/bureau_staffing_by_job_type", None) in materialised
    assert ("release/bureau_staffing_by_job_type", None) in materialised
    assert not any(a.startswith("raw/") for a, _ in materialised)  # the ingest itself is up to date
