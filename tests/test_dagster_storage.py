"""The data directory's Dagster instance: the pooled event log, readable by stock Dagster."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from pipelines.dagster_storage import PooledSqliteEventLogStorage
from pipelines.paths import DataHome

CHECKS = 40


@dg.asset(check_specs=[dg.AssetCheckSpec(f"rule_{i}", asset="register") for i in range(CHECKS)])
def register() -> dg.MaterializeResult:
    return dg.MaterializeResult(
        metadata={"dagster/row_count": 386},
        check_results=[dg.AssetCheckResult(check_name=f"rule_{i}", passed=i != 7) for i in range(CHECKS)],
    )


def test_runs_stored_by_the_pooled_log_are_read_back_by_stock_dagster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = DataHome(tmp_path / "data").ensure()
    other = DataHome(tmp_path / "other").ensure()
    monkeypatch.setenv("DAGSTER_HOME", str(other.dagster_home))  # the folder given wins over the variable
    with dg.DagsterInstance.from_config(str(home.dagster_home)) as instance:
        assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)
        assert Path(instance.event_log_storage._base_dir) == home.dagster_home / "history" / "runs"
        result = dg.materialize([register], instance=instance, raise_on_error=False)
        run_id = result.run_id
    # the layout is Dagster's own: an instance with no event-log setting (the stock storage) reads it
    (home.dagster_home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    with dg.DagsterInstance.from_config(str(home.dagster_home)) as stock:
        assert type(stock.event_log_storage).__name__ == "SqliteEventLogStorage"
        materialised = stock.get_latest_materialization_event(dg.AssetKey("register"))
        assert materialised is not None and materialised.run_id == run_id
        assert materialised.asset_materialization.metadata["dagster/row_count"].value == 386
        evaluations = [e for e in stock.all_logs(run_id) if e.dagster_event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION]
        assert len(evaluations) == CHECKS
        assert sum(not e.dagster_event.event_specific_data.passed for e in evaluations) == 1


def test_an_older_tdpf_instance_config_is_upgraded_and_a_users_own_is_kept(tmp_path: Path) -> None:
    home = DataHome(tmp_path / "data")
    cfg = home.dagster_home / "dagster.yaml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text("# Written by tdpf: local Dagster instance storage for this data directory.\n"
                   "telemetry:\n  enabled: false\n", encoding="utf-8")
    home.ensure()
    assert "class: TdpfInstance" in cfg.read_text(encoding="utf-8")
    cfg.write_text("telemetry:\n  enabled: true\n", encoding="utf-8")  # the user's own settings
    home.ensure()
    assert cfg.read_text(encoding="utf-8") == "telemetry:\n  enabled: true\n"
