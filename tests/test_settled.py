"""The no-change shortcut (pipelines/settled.py): what voids it, on a real Dagster instance."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import dagster as dg
import pytest

from pipelines.changes import Inputs
from pipelines.paths import DataHome
from pipelines.quality.suites import SUITES_DIR
from pipelines.settled import SETTLED_KEY, inputs_digest, is_settled, record_settled

RAW = dg.AssetKey(["raw", "register_aed_locations"])


def _inputs(version: str = "v1", days: tuple[date, ...] = (date(2026, 11, 2),)) -> Inputs:
    return Inputs(versions={RAW: {"131041": version, "131016": "v9"}}, days=days)


@pytest.fixture()
def instance(tmp_path: Path) -> Iterator[dg.DagsterInstance]:
    home = DataHome(tmp_path / "data").ensure()
    with dg.instance_for_test(temp_dir=str(home.dagster_home)) as test_instance:
        yield test_instance


def test_the_digest_changes_with_every_input_the_planner_compares(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = DataHome(tmp_path / "data")
    suites = tmp_path / "expectations"
    shutil.copytree(SUITES_DIR, suites)
    monkeypatch.setenv("TDPF_EXPECTATIONS", str(suites))
    base = inputs_digest(home, _inputs())
    assert inputs_digest(home, _inputs()) == base  # the same inputs, the same digest
    assert inputs_digest(home, _inputs(version="v2")) != base  # one publisher's file changed
    assert inputs_digest(home, _inputs(days=(date(2026, 11, 2), date(2026, 11, 3)))) != base  # a new day
    suite = sorted(suites.glob("*.yaml"))[0]
    suite.write_text(suite.read_text(encoding="utf-8") + "\n# tightened\n", encoding="utf-8")
    assert inputs_digest(home, _inputs()) != base  # a quality suite changed


def test_settled_holds_until_any_run_is_made(instance: dg.DagsterInstance) -> None:
    assert not is_settled(instance, "d1")  # nothing recorded: the planner decides
    record_settled(instance, "d1")
    assert is_settled(instance, "d1")
    assert not is_settled(instance, "d2")  # other inputs

    @dg.asset
    def touched() -> int:
        return 1

    assert dg.materialize([touched], instance=instance).success  # e.g. from the Dagster UI
    assert not is_settled(instance, "d1")  # that run may have left work downstream
    record_settled(instance, "d1")
    assert is_settled(instance, "d1")


def test_an_unreadable_record_leaves_the_decision_to_the_planner(instance: dg.DagsterInstance) -> None:
    instance.run_storage.set_cursor_values({SETTLED_KEY: "{not json"})
    assert not is_settled(instance, "d1")
