"""Great Expectations suites as files, run through GX's pandas datasource, offline and quietly."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas
import pytest

from pipelines.quality.gx_runner import check_suite, load_checked_suite, quiet_context, validate
from pipelines.quality.suites import SuiteError, load_suite

SUITE = """\
dataset: aed-locations
partition_column: 全国地方公共団体コード
derived:
  - name: in_japan_latitude
    type: expect_column_values_to_be_number_between
    kwargs: {column: 緯度, min_value: 20, max_value: 46}
    severity: error
    notes: 日本の範囲内 (swapped coordinates fall outside)
  - name: lg_code
    type: expect_column_values_to_be_valid_lg_code
    kwargs: {column: 全国地方公共団体コード}
rules:
  - name: unique_id
    type: expect_compound_columns_to_be_unique
    kwargs: {column_list: [全国地方公共団体コード, ID]}
    severity: error
  - name: units_non_negative
    type: expect_column_values_to_be_between
    kwargs: {column: 台数, min_value: 0, row_condition: '種別=="屋外"', condition_parser: pandas}
    severity: warn
"""


@pytest.fixture(scope="module")
def context():  # type: ignore[no-untyped-def]
    return quiet_context()


def _suite(tmp_path: Path, text: str = SUITE):  # type: ignore[no-untyped-def]
    path = tmp_path / "aed-locations.yaml"
    path.write_text(text, encoding="utf-8")
    return load_suite(path)


def _frame(**overrides: list) -> pandas.DataFrame:  # type: ignore[type-arg]
    columns = {"全国地方公共団体コード": ["131041", "131041", "132012"], "ID": ["A1", "A2", "A1"],
               "緯度": ["35.69", "35.70", "35.66"], "台数": [1, 2, 0], "種別": ["屋外", "屋内", "屋外"]}
    return pandas.DataFrame({**columns, **overrides})


def test_a_clean_table_passes_every_rule(tmp_path: Path, context) -> None:  # type: ignore[no-untyped-def]
    outcomes = validate(_frame(), _suite(tmp_path), context)
    assert [(o.name, o.success) for o in outcomes] == [
        ("in_japan_latitude", True), ("lg_code", True), ("unique_id", True), ("units_non_negative", True)]
    assert all(o.unexpected_count == 0 and not o.error for o in outcomes)


def test_failures_carry_severity_count_sample_and_the_partitions_they_came_from(tmp_path: Path, context,
                                                                                 capsys) -> None:  # type: ignore[no-untyped-def]
    frame = _frame(緯度=["139.70", "35.70", "abc"], ID=["A1", "A1", "A3"], 台数=[1, -2, -3],
                   全国地方公共団体コード=["131041", "131041", "132013"])
    by_name = {o.name: o for o in validate(frame, _suite(tmp_path), context)}
    latitude = by_name["in_japan_latitude"]
    assert (latitude.success, latitude.severity, latitude.unexpected_count) == (False, "error", 2)
    assert latitude.unexpected_sample == ("139.70", "abc") and "swapped" in latitude.notes
    assert latitude.partitions == ("131041", "132013")
    assert by_name["lg_code"].unexpected_sample == ("132013",)  # wrong check digit
    assert by_name["unique_id"].success is False and by_name["unique_id"].partitions == ("131041",)
    units = by_name["units_non_negative"]  # the row condition leaves the indoor -2 out
    assert (units.success, units.severity, units.unexpected_sample) == (False, "warn", (-3,))
    assert "Calculating Metrics" not in capsys.readouterr().err  # progress bars are off


def test_a_failure_is_attributed_to_publishers_only_when_every_failing_row_has_one(tmp_path: Path,
                                                                                   context) -> None:  # type: ignore[no-untyped-def]
    frame = _frame(緯度=["139.70", "35.70", pandas.NA], 全国地方公共団体コード=["131041", "131041", pandas.NA])
    frame["緯度"] = frame["緯度"].astype("string")
    latitude = {o.name: o for o in validate(frame, _suite(tmp_path), context)}["in_japan_latitude"]
    assert latitude.partitions == ("131041",) and latitude.attributed
    assert latitude.partition_samples == {"131041": ("139.70",)}
    nobody = _frame(緯度=["139.70", "35.70", "1.0"], 全国地方公共団体コード=["131041", "131041", pandas.NA])
    latitude = {o.name: o for o in validate(nobody, _suite(tmp_path), context)}["in_japan_latitude"]
    assert latitude.partitions == ("131041",) and not latitude.attributed  # one failing row has no publisher


@pytest.mark.parametrize(("text", "words"), [
    (SUITE.replace("expect_compound_columns_to_be_unique", "expect_compound_columns_to_be_uniq"),
     "rules #1 field 'type': 'expect_compound_columns_to_be_uniq' is not a Great Expectations expectation"),
    (SUITE.replace("severity: warn", "severity: fatal"), "rules #2 field 'severity': expected one of error, warn"),
    (SUITE.replace("    notes:", "    note:"), "derived #1 field 'note': not an expectation field"),
    (SUITE.replace("name: lg_code", "name: Lg-Code"), "derived #2 field 'name': expected lower-case ASCII"),
    (SUITE.replace("name: unique_id", "name: lg_code"), "'lg_code' is used twice"),
    (SUITE.replace("kwargs: {column: 全国地方公共団体コード}", "kwargs: [全国地方公共団体コード]"),
     "derived #2 field 'kwargs': expected a mapping"),
    (SUITE.replace("kwargs: {column: 全国地方公共団体コード}", "kwargs: {column: x, meta: {a: 1}}"),
     "derived #2 field 'kwargs': 'meta' is set by the runner"),
    (SUITE.replace("kwargs: {column: 全国地方公共団体コード}", "kwargs: {column: x, min value: 1}"),
     "derived #2 field 'kwargs': argument names are identifiers"),
    (SUITE.split("rules:")[0] + "rules: {name: unique_id}\n",
     "field 'rules': expected a list of expectations"),
    (SUITE.replace("partition_column: 全国地方公共団体コード", "partition_column: [a, b]"),
     "field 'partition_column': expected a column name"),
])
def test_a_malformed_suite_names_the_file_the_expectation_and_the_field(tmp_path: Path, text: str, words: str) -> None:
    with pytest.raises(SuiteError) as failure:
        _suite(tmp_path, text)  # all of these are found when the file is read, without GX
    assert str(failure.value).startswith("aed-locations.yaml") and words in str(failure.value)


BAD_ARGUMENTS = [
    (SUITE.replace("min_value: 20,", "min_value: twenty,"),
     "aed-locations.yaml: derived #1 field 'kwargs': not valid arguments for "
     "expect_column_values_to_be_number_between"),
    (SUITE.replace("min_value: 0,", "min_value: zero,"),
     "aed-locations.yaml: rules #2 field 'kwargs': not valid arguments for expect_column_values_to_be_between"),
    (SUITE.replace("{column_list: [全国地方公共団体コード, ID]}", "{column_list: [全国地方公共団体コード, ID], colour: red}"),
     "aed-locations.yaml: rules #1 field 'kwargs': not valid arguments for expect_compound_columns_to_be_unique"),
]


@pytest.mark.parametrize(("text", "words"), BAD_ARGUMENTS)
def test_arguments_gx_refuses_fail_the_full_check_naming_the_file_the_rule_and_the_field(
        tmp_path: Path, text: str, words: str) -> None:
    suite = _suite(tmp_path, text)  # reading the file cannot tell: only GX knows each expectation's arguments
    with pytest.raises(SuiteError) as failure:
        check_suite(suite)
    assert str(failure.value).startswith(words)
    with pytest.raises(SuiteError, match=re.escape(words)):
        load_checked_suite(suite.path)


@pytest.mark.parametrize(("text", "words"), BAD_ARGUMENTS[:2])
def test_a_gate_checks_its_suite_with_gx_before_running_it(tmp_path: Path, text: str, words: str, context) -> None:  # type: ignore[no-untyped-def]
    suite = _suite(tmp_path, text)
    with pytest.raises(SuiteError) as failure:
        validate(_frame(), suite, context)
    assert str(failure.value).startswith(words)


def test_a_suite_gx_accepts_passes_the_full_check(tmp_path: Path) -> None:
    suite = _suite(tmp_path)
    assert check_suite(suite) is suite and load_checked_suite(suite.path) == suite


def test_bad_yaml_names_line_and_column(tmp_path: Path) -> None:
    with pytest.raises(SuiteError, match=r"aed-locations.yaml:3:12: not valid YAML"):
        _suite(tmp_path, "dataset: x\nderived:\n  - name: a: b\n")


WARM_UP_PROBE = """
import json, sys, threading
import dagster  # what a build has imported before its runs start
from pipelines.quality import gx_runner
by_thread = []
class Spy:  # a finder is asked once per module, by the thread that imports it first
    @staticmethod
    def find_spec(name, path=None, target=None):
        if threading.current_thread().name == "tdpf-gx-warm-up":
            by_thread.append(name)
sys.meta_path.insert(0, Spy)
gx_runner.warm_up_in_background().join()
print(json.dumps(by_thread))
"""


def test_the_warm_up_thread_imports_nothing_the_runs_import_too() -> None:
    """Two threads importing the same package can hand one a half-initialised module."""
    probe = subprocess.run([sys.executable, "-c", WARM_UP_PROBE], capture_output=True, text=True, check=True,
                           cwd=Path(__file__).parent.parent, env={**os.environ, "GX_ANALYTICS_ENABLED": "false"})
    by_thread = json.loads(probe.stdout.strip().splitlines()[-1])
    assert "great_expectations" in by_thread  # the thread did the work it exists for
    assert not set(by_thread) & {"numpy", "pandas", "pandas.core.frame", "sqlalchemy.orm", "sqlalchemy.orm.exc"}
