"""The schedule and the sensors ask the build planner: nothing new starts nothing; a late file its own day."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from pipelines.definitions import build_definitions
from pipelines.paths import DataHome

pytestmark = pytest.mark.slow  # reads the shared build (no build of its own)


@pytest.fixture()
def automation(home_copy: Path) -> Iterator[tuple[dg.Definitions, dg.DagsterInstance, Path]]:
    saved = dict(os.environ)
    instance = dg.DagsterInstance.from_config(str(home_copy / "dagster"))
    try:
        yield build_definitions(DataHome(home_copy)), instance, home_copy
    finally:
        instance.dispose()
        os.environ.clear()
        os.environ.update(saved)


def _late_file(home: Path) -> dict:
    log = home / "landing" / "smart_poles" / "_simulator" / "fault_log.jsonl"
    faults = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    return next(f for f in faults if f["kind"] == "late_file")


def _evaluate_sensor(defs: dg.Definitions, instance: dg.DagsterInstance, name: str) -> dg.SensorResult:
    sensor = defs.resolve_sensor_def(name)
    context = dg.build_sensor_context(instance=instance, definitions=defs)
    return sensor.evaluate_tick(context)


def test_the_landing_sensor_starts_nothing_when_nothing_changed(automation) -> None:  # type: ignore[no-untyped-def]
    defs, instance, _ = automation
    result = _evaluate_sensor(defs, instance, "smart_pole_landing_sensor")
    assert result.run_requests == [] and "no new or changed feed files" in (result.skip_message or "")


def test_a_late_file_makes_the_landing_sensor_request_its_own_day_only(automation) -> None:  # type: ignore[no-untyped-def]
    defs, instance, home = automation
    late = _late_file(home)
    landing = home / "landing" / "smart_poles"
    shutil.move(str(landing / late["detail"]["path"]), landing / late["file"])  # the file arrives
    result = _evaluate_sensor(defs, instance, "smart_pole_landing_sensor")
    (request,) = result.run_requests
    assert (request.tags["dagster/asset_partition_range_start"], request.tags["dagster/asset_partition_range_end"]) \
        == (late["day"], late["day"])
    assert dg.AssetKey(["raw", "smart_pole_readings"]) in request.asset_selection
    assert all(key.path[0] != "release" for key in request.asset_selection)  # publication follows the load


def test_the_nightly_schedule_skips_a_day_without_new_files(automation) -> None:  # type: ignore[no-untyped-def]
    defs, instance, _ = automation
    schedule = defs.resolve_schedule_def("smart_pole_daily_schedule")
    when = datetime(2026, 11, 4, 1, 30, tzinfo=ZoneInfo("Asia/Tokyo"))  # yesterday = 11-03, already built
    context = dg.build_schedule_context(instance=instance, scheduled_execution_time=when)
    result = schedule.evaluate_tick(context)
    assert result.run_requests == [] and "2026-11-03" in (result.skip_message or "")
