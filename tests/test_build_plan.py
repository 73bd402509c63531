"""How a plan becomes runs: partition ranges, and the reasons a person reads."""

from __future__ import annotations

import dagster as dg

from pipelines.build import RunSpec, partition_ranges
from pipelines.changes import Reason


def test_consecutive_days_share_a_run_and_a_gap_starts_another() -> None:
    days = ["2026-11-05", "2026-11-02", "2026-11-03"]
    assert partition_ranges(days, None) == [["2026-11-02", "2026-11-03"], ["2026-11-05"]]


def test_publishers_are_neighbours_in_the_registry_order_not_by_their_codes() -> None:
    order = ["131041", "132012", "133035", "134210"]
    assert partition_ranges(["134210", "131041", "132012"], order) == [["131041", "132012"], ["134210"]]


def test_a_range_run_carries_dagsters_range_tags() -> None:
    spec = RunSpec("smart_pole_daily", frozenset({dg.AssetKey(["raw", "x"])}), frozenset(), ("2026-11-02", "2026-11-04"))
    assert spec.tags == {"dagster/asset_partition_range_start": "2026-11-02",
                         "dagster/asset_partition_range_end": "2026-11-04"}
    assert spec.describe() == "smart_pole_daily [2026-11-02 … 2026-11-04, 2]: 1 assets, 0 checks"
    assert RunSpec("tdpf_publish", frozenset(), frozenset()).tags == {}


def test_a_reason_names_the_asset_and_its_partition() -> None:
    assert str(Reason(dg.AssetKey(["raw", "register_aed_locations"]), "131041", "its input files changed")) == \
        "raw/register_aed_locations [131041]: its input files changed"
