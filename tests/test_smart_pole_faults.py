"""Every fault the simulator injected is repaired or quarantined, kind by kind; days rebuild alone."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.defs.jobs import DAILY_JOB
from pipelines.definitions import build_definitions
from pipelines.paths import DataHome

pytestmark = pytest.mark.slow

MARTS = ("smart_pole_environment_hourly", "smart_pole_people_flow_hourly", "smart_pole_health_daily")


def _faults(home: Path) -> list[dict]:
    log = home / "landing" / "smart_poles" / "_simulator" / "fault_log.jsonl"
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def _utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture(scope="module")
def warehouse(built_home: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(built_home / "warehouse" / "tdpf.duckdb"), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def faults(built_home: Path) -> list[dict]:
    found = _faults(built_home)
    kinds = {f["kind"] for f in found}
    assert kinds >= {"missing_interval", "duplicate_message", "stuck_sensor", "spike", "late_file",
                     "timezone_mixup", "unit_change", "device_replaced"}, kinds
    return found


def _of(faults: list[dict], kind: str) -> list[dict]:
    return [f for f in faults if f["kind"] == kind]


def _health(con: duckdb.DuckDBPyConnection, day: str, pole: str) -> dict:
    cur = con.execute("SELECT * FROM marts.smart_pole_health_daily WHERE day = ? AND pole_id = ?", [day, pole])
    names = [d[0] for d in cur.description]
    row = cur.fetchone()
    assert row is not None, (day, pole)
    return dict(zip(names, row))


def test_missing_intervals_show_as_lost_coverage(warehouse, faults) -> None:  # type: ignore[no-untyped-def]
    for f in _of(faults, "missing_interval"):
        start = _utc(f["start_utc"]) + timedelta(hours=9)
        end = _utc(f["end_utc"]) + timedelta(hours=9)
        hours = warehouse.execute(
            """SELECT hour_start_jst, max(coverage_pct) FROM marts.smart_pole_environment_hourly
               WHERE pole_id = ? AND hour_start_jst BETWEEN date_trunc('hour', ?::TIMESTAMP) AND ?::TIMESTAMP
               GROUP BY 1""", [f["pole_id"], start, end]).fetchall()
        assert hours and all(cov < 100 for _, cov in hours), f


def test_duplicated_messages_are_removed_once_each(warehouse, faults) -> None:  # type: ignore[no-untyped-def]
    for f in _of(faults, "duplicate_message"):
        removed = warehouse.execute(
            "SELECT count(*) FROM intermediate.int_smart_poles__readings_checked WHERE source_file = ? AND is_duplicate",
            [f["file"]]).fetchone()[0]
        assert removed >= f["detail"]["duplicated_messages"], f
    assert warehouse.execute("SELECT max(readings) FROM marts.smart_pole_environment_hourly").fetchone()[0] <= 60


def test_stuck_sensors_are_quarantined_and_only_they(warehouse, faults) -> None:  # type: ignore[no-untyped-def]
    stuck = _of(faults, "stuck_sensor")
    for f in stuck:
        n = warehouse.execute(
            """SELECT count(*) FROM marts.smart_pole_quarantine WHERE reason = 'stuck_sensor'
               AND pole_id = ? AND metric = ? AND observed_at_utc BETWEEN ? AND ?""",
            [f["pole_id"], f["metric"], _utc(f["start_utc"]), _utc(f["end_utc"])]).fetchone()[0]
        assert n >= 0.9 * f["detail"]["minutes"], (f, n)
    flagged = warehouse.execute(
        "SELECT pole_id, metric, observed_at_utc FROM marts.smart_pole_quarantine WHERE reason = 'stuck_sensor'").fetchall()
    outside = [r for r in flagged if not any(
        r[0] == f["pole_id"] and r[1] == f["metric"] and _utc(f["start_utc"]) <= r[2] <= _utc(f["end_utc"])
        for f in stuck)]
    assert outside == []


def test_spikes_are_quarantined_as_out_of_range_and_only_they(warehouse, faults) -> None:  # type: ignore[no-untyped-def]
    spikes = {(f["pole_id"], f["metric"], _utc(f["start_utc"])) for f in _of(faults, "spike")}
    flagged = set(warehouse.execute(
        "SELECT pole_id, metric, observed_at_utc FROM marts.smart_pole_quarantine WHERE reason = 'out_of_range'").fetchall())
    late = {f["file"] for f in _of(faults, "late_file")}
    expected = {s for s in spikes if not any(
        f["file"] in late for f in _of(faults, "spike") if (f["pole_id"], f["metric"], _utc(f["start_utc"])) == s)}
    assert flagged == expected


def test_timezone_mixups_are_repaired_into_their_own_day(warehouse, faults) -> None:  # type: ignore[no-untyped-def]
    for f in _of(faults, "timezone_mixup"):
        if any(l["file"] == f["file"] for l in _of(faults, "late_file")):
            continue
        assert _health(warehouse, f["day"], f["pole_id"])["files_timezone_repaired"] >= 1
        first, last = warehouse.execute(
            "SELECT min(observed_at_utc), max(observed_at_utc) FROM staging.stg_smart_poles__readings WHERE source_file = ?",
            [f["file"]]).fetchone()
        assert (first, last) == (_utc(f["start_utc"]), _utc(f["end_utc"])), f
    assert warehouse.execute(
        "SELECT count(*) FROM marts.smart_pole_quarantine WHERE reason = 'outside_day'").fetchone()[0] == 0


def test_unit_changes_after_firmware_updates_are_converted_back(warehouse, faults) -> None:  # type: ignore[no-untyped-def]
    for f in _of(faults, "unit_change"):
        h = _health(warehouse, f["day"], f["pole_id"])
        assert h["readings_unit_repaired"] > 0, f
        low, high = warehouse.execute(
            """SELECT min(min_value), max(max_value) FROM marts.smart_pole_environment_hourly
               WHERE pole_id = ? AND day = ? AND metric = ?""", [f["pole_id"], f["day"], f["metric"]]).fetchone()
        plausible = {"temperature": (-10, 40), "pressure": (950, 1050)}[f["metric"]]
        assert plausible[0] <= low and high <= plausible[1], (f, low, high)


def test_a_replaced_device_keeps_reporting_for_its_pole(warehouse, faults) -> None:  # type: ignore[no-untyped-def]
    for f in _of(faults, "device_replaced"):
        assert _health(warehouse, f["day"], f["pole_id"])["devices_reporting"] == 2
        attributed = warehouse.execute(
            "SELECT DISTINCT pole_id FROM staging.stg_smart_poles__readings WHERE device_id = ?",
            [f["detail"]["new_device_id"]]).fetchall()
        assert attributed == [(f["pole_id"],)]
    assert warehouse.execute(
        "SELECT count(*) FROM marts.smart_pole_quarantine WHERE reason = 'unknown_device'").fetchone()[0] == 0


def test_late_files_are_not_loaded_before_they_arrive(warehouse, faults) -> None:  # type: ignore[no-untyped-def]
    for f in _of(faults, "late_file"):
        assert warehouse.execute(
            "SELECT count(*) FROM raw.smart_pole_readings WHERE source_file = ?", [f["file"]]).fetchone()[0] == 0


def _mart_rows(home: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(home / "warehouse" / "tdpf.duckdb"), read_only=True)
    try:
        return {m: con.execute(f"SELECT * FROM marts.{m} ORDER BY ALL").fetchall() for m in MARTS}
    finally:
        con.close()


def _run_day(home: Path, day: str) -> None:
    saved = dict(os.environ)
    try:
        defs = build_definitions(DataHome(home))
        result = defs.resolve_job_def(DAILY_JOB).execute_in_process(
            instance=dg.DagsterInstance.ephemeral(), partition_key=day, raise_on_error=False)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert result.success


def test_rebuilding_a_day_changes_nothing(home_copy: Path) -> None:
    before = _mart_rows(home_copy)  # the shared build built this day once already: this is the rerun
    _run_day(home_copy, "2026-11-03")
    assert _mart_rows(home_copy) == before


def test_a_late_file_rebuilds_only_its_day(home_copy: Path) -> None:
    late = _of(_faults(home_copy), "late_file")[0]
    landing = home_copy / "landing" / "smart_poles"
    before = _mart_rows(home_copy)
    target = landing / late["file"]
    shutil.move(str(landing / late["detail"]["path"]), target)  # the file arrives
    _run_day(home_copy, late["day"])
    after = _mart_rows(home_copy)
    day_index = 0  # every mart's first column is the day
    for mart in MARTS:
        other_before = [r for r in before[mart] if str(r[day_index]) != late["day"]]
        other_after = [r for r in after[mart] if str(r[day_index]) != late["day"]]
        assert other_after == other_before, mart
    for mart in ("smart_pole_environment_hourly", "smart_pole_health_daily"):  # every pole has these
        assert [r for r in after[mart] if str(r[day_index]) == late["day"]] != \
               [r for r in before[mart] if str(r[day_index]) == late["day"]], mart
    con = duckdb.connect(str(home_copy / "warehouse" / "tdpf.duckdb"), read_only=True)
    uptime = con.execute("SELECT uptime_pct FROM marts.smart_pole_health_daily WHERE day = ? AND pole_id = ?",
                         [late["day"], late["pole_id"]]).fetchone()[0]
    assert uptime > 50
