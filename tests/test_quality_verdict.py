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
