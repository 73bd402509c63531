"""The quality verdict carried in every release's metadata."""

from pipelines.dbt_results import DbtTestOutcome
from pipelines.defs.quality import verdict


def _t(name: str, status: str) -> DbtTestOutcome:
    return DbtTestOutcome(model="m", test_name=name, status=status, failures=0, message=None)


def test_one_failed_error_test_fails_the_dataset_whatever_else_passed() -> None:
    v = verdict([_t("a", "pass"), _t("b", "fail"), _t("c", "warn")])
    assert (v["status"], v["checks_passed"], v["checks_failed"], v["checks_warned"]) == ("failed", 1, 1, 1)


def test_warnings_alone_publish_with_a_warned_status() -> None:
    assert verdict([_t("a", "pass"), _t("c", "warn")])["status"] == "warned"


def test_verdict_is_deterministic_for_content_hashing() -> None:
    outcomes = [_t("b", "pass"), _t("a", "pass")]
    assert verdict(outcomes) == verdict(list(reversed(outcomes)))
    assert verdict(outcomes)["checks"] == ["a", "b"]
