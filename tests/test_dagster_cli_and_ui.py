"""What a data engineer does outside `tdpf`: Dagster's own CLI on one day, and the Dagster UI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from tests.conftest import REPO
from tests.helpers.dagster_ui import graphql, run_dagster_webserver

pytestmark = pytest.mark.slow

DAY = "2026-11-03"
DAILY_SELECTION = "key:raw/smart_pole_readings or tag:smart_poles_daily"
MARTS = ("smart_pole_environment_hourly", "smart_pole_people_flow_hourly", "smart_pole_health_daily")


def _dagster(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TDPF_", "DAGSTER_"))}
    env.update(TDPF_HOME=str(home), DAGSTER_HOME=str(home / "dagster"))
    return subprocess.run([str(Path(sys.executable).parent / "dagster"), *args],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=900, check=False)


def _marts(home: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(home / "warehouse" / "tdpf.duckdb"), read_only=True)
    try:
        return {m: con.execute(f"SELECT * FROM marts.{m} ORDER BY ALL").fetchall() for m in MARTS}
    finally:
        con.close()


def test_dagster_cli_materialises_one_day_of_the_feeds_and_its_marts(home_copy: Path) -> None:
    before = _marts(home_copy)
    proc = _dagster(home_copy, "asset", "materialize", "-m", "pipelines.definitions",
                    "--select", DAILY_SELECTION, "--partition", DAY)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert _marts(home_copy) == before  # the same inputs give the same marts, whoever runs them

    instance = dg.DagsterInstance.from_config(str(home_copy / "dagster"))
    try:
        for key in (["raw", "smart_pole_readings"], ["marts", "smart_pole_environment_hourly"]):
            event = instance.get_latest_materialization_event(dg.AssetKey(key))
            assert event is not None and event.asset_materialization.partition == DAY, key
    finally:
        instance.dispose()


_REPOSITORY = """{ repositoriesOrError { ... on RepositoryConnection { nodes {
    location { name }
    schedules { name cronSchedule executionTimezone }
    sensors { name sensorType }
    jobs { name isAssetJob }
} } } }"""

_ASSET = """query Asset($path: [String!]!) { assetNodeOrError(assetKey: {path: $path}) { ... on AssetNode {
    isPartitioned
    partitionStats { numMaterialized numPartitions numFailed }
    assetChecksOrError { ... on AssetChecks { checks {
        name blocking executionForLatestMaterialization { status evaluation { severity } } } } }
} } }"""


def test_dagster_ui_shows_partitions_sensors_schedule_and_checks(built_home: Path, tmp_path: Path) -> None:
    home = tmp_path / "data"
    subprocess.run(["cp", "-a", str(built_home), str(home)], check=True)  # the webserver writes to its instance
    with run_dagster_webserver(home) as url:
        (repository,) = graphql(url, _REPOSITORY)["repositoriesOrError"]["nodes"]
        assert repository["location"]["name"] == "pipelines"
        assert {"name": "smart_pole_daily_schedule", "cronSchedule": "30 1 * * *",
                "executionTimezone": "Asia/Tokyo"} in repository["schedules"]
        sensors = {s["name"]: s["sensorType"] for s in repository["sensors"]}
        assert sensors == {"smart_pole_landing_sensor": "STANDARD", "publish_after_smart_pole_load": "RUN_STATUS"}
        assert {"tdpf_prepare", "smart_pole_daily", "tdpf_publish"} <= {j["name"] for j in repository["jobs"]}

        mart = graphql(url, _ASSET, {"path": ["marts", "smart_pole_environment_hourly"]})["assetNodeOrError"]
        assert mart["isPartitioned"]
        stats = mart["partitionStats"]
        assert stats["numMaterialized"] == 3 and stats["numFailed"] == 0  # the three embedded days
        assert stats["numPartitions"] > stats["numMaterialized"]  # the days without files show as missing
        checks = {c["name"]: c for c in mart["assetChecksOrError"]["checks"]}
        gate = {name: c for name, c in checks.items() if c["blocking"]}  # the quality gate's checks
        dbt = {name: c for name, c in checks.items() if not c["blocking"]}  # dbt's tests, enforced by the gate
        assert {"humidity_0_to_100", "hourly_coverage_80", "dbt_tests", "unique_hour_start_jst_pole_id_metric"} <= set(gate)
        assert dbt and {c["executionForLatestMaterialization"]["status"] for c in dbt.values()} == {"SUCCEEDED"}
        status = {name: c["executionForLatestMaterialization"]["status"] for name, c in gate.items()}
        assert status["humidity_0_to_100"] == status["dbt_tests"] == "SUCCEEDED"
        coverage = gate["hourly_coverage_80"]["executionForLatestMaterialization"]  # the embedded gaps
        assert (coverage["status"], coverage["evaluation"]["severity"]) == ("FAILED", "WARN")

        register = graphql(url, _ASSET, {"path": ["raw", "smart_pole_register"]})["assetNodeOrError"]
        assert register["isPartitioned"] is False
