"""A dataset's verdict: error failures block, warnings publish and show, both engines count."""

from pipelines.dbt_results import DbtTestOutcome
from pipelines.quality.gate import CheckOutcome, Verdict, dbt_checks


def _gx(name: str, success: bool, severity: str = "error") -> CheckOutcome:
    return CheckOutcome(check=name, engine="great_expectations", severity=severity, success=success,
                        unexpected_count=0 if success else 2, sample=() if success else ("139.7",))


def _verdict(*checks: CheckOutcome) -> Verdict:
    return Verdict("aed-locations", "2026-11-26T00:00:00Z", 10, checks)


def test_one_failed_error_check_fails_the_dataset_whatever_else_passed() -> None:
    summary = _verdict(_gx("a", True), _gx("b", False), _gx("c", False, "warn")).summary()
    assert (summary["status"], summary["checks_passed"], summary["checks_failed"], summary["checks_warned"]) == (
        "failed", 1, 1, 1)
    assert [f["check"] for f in summary["failures"]] == ["b", "c"]  # blocking first, then warnings


def test_warnings_alone_publish_with_a_warned_status_and_show_their_values() -> None:
    verdict = _verdict(_gx("a", True), _gx("c", False, "warn"))
    assert not verdict.blocked and verdict.summary()["status"] == "warned"
    assert verdict.summary()["failures"][0]["sample"] == ["139.7"]


def test_dbt_failures_block_by_gate_severity_whatever_dbt_called_them() -> None:
    # dbt reports every failing test as "warn" (dbt_project.yml); the gate severity decides
    outcomes = [DbtTestOutcome("std_aed", "unique_x", "warn", 3, "Got 3 results", severity="error"),
                DbtTestOutcome("std_aed", "accepted_y", "warn", 1, None, severity="warn"),
                DbtTestOutcome("stg_aed", "not_null_z", "pass", 0, None),
                DbtTestOutcome("stg_aed", "skipped_w", "skipped", None, None)]
    verdict = _verdict(_gx("a", True), *dbt_checks(outcomes))
    summary = verdict.summary()
    assert (summary["status"], summary["checks_failed"], summary["checks_warned"]) == ("failed", 1, 1)
    assert summary["engines"] == ["dbt", "great_expectations"]
    assert summary["failures"][0] | {"notes": ""} == {
        "check": "unique_x", "engine": "dbt", "severity": "error", "column": "std_aed", "expectation": "dbt test",
        "unexpected_count": 3, "sample": [], "partitions": [], "notes": ""}


def _located(name: str, *codes: str, severity: str = "error") -> CheckOutcome:
    return CheckOutcome(check=name, engine="great_expectations", severity=severity, success=False, unexpected_count=1,
                        partitions=codes, attributed=True, partition_samples={c: (f"bad-{c}",) for c in codes})


def _by_publisher(*checks: CheckOutcome, seen: tuple[str, ...] = ("131041", "133035", "134210")) -> Verdict:
    return Verdict("aed-locations", "2026-11-26T00:00:00Z", 10, checks, partition_column="全国地方公共団体コード",
                   partitions_seen=seen)


def test_failures_located_in_some_publishers_hold_back_those_publishers_only() -> None:
    verdict = _by_publisher(_gx("a", True), _located("no_test_rows", "131041"), _located("in_japan", "131041", "134210"))
    assert verdict.status == "partial" and not verdict.blocked
    held = verdict.summary()["held_back_publishers"]
    assert held == [{"code": "131041", "checks": ["no_test_rows", "in_japan"], "sample": ["bad-131041", "bad-131041"]},
                    {"code": "134210", "checks": ["in_japan"], "sample": ["bad-134210"]}]


def test_a_failure_nobody_owns_or_everybody_shares_holds_back_the_dataset() -> None:
    unlocated = CheckOutcome(check="row_count", engine="great_expectations", severity="error", success=False)
    assert _by_publisher(_located("x", "131041"), unlocated).status == "failed"  # table-wide: the dataset's own
    dbt = CheckOutcome(check="unique_x", engine="dbt", severity="error", success=False)
    assert _by_publisher(_located("x", "131041"), dbt).status == "failed"
    assert _by_publisher(_located("x", "131041", "133035", "134210")).status == "failed"  # no one left to publish
    assert _by_publisher(_located("x", "131041", severity="warn")).status == "warned"  # warnings hold nobody back
    days = Verdict("smart-pole-environment-hourly", "t", 3, (_located("x", "2026-11-02"),), partition_column="day",
                   partitions_seen=("2026-11-02", "2026-11-03"))
    assert days.status == "failed"  # only publishers are held back one by one
    assert "held_back_publishers" not in _verdict(_gx("a", True)).summary()  # the summary keeps its shape
