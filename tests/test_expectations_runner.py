"""Great Expectations suites as files, run through GX's pandas datasource, offline and quietly."""

from __future__ import annotations

from pathlib import Path

import pandas
import pytest

from pipelines.expectations import SuiteError, load_suite, quiet_context, validate

SUITE = """\
dataset: aed-locations
expectations:
  - type: expect_column_values_to_be_between
    kwargs: {column: 緯度, min_value: 20, max_value: 46}
    severity: error
    notes: 日本の範囲内 (swapped coordinates fall outside)
  - type: expect_column_values_to_be_unique
    kwargs: {column: ID}
    severity: error
  - type: expect_column_values_to_be_between
    kwargs: {column: 台数, min_value: 0}
    severity: warn
"""


@pytest.fixture(scope="module")
def context():  # type: ignore[no-untyped-def]
    return quiet_context()


def _suite(tmp_path: Path, text: str = SUITE):  # type: ignore[no-untyped-def]
    path = tmp_path / "aed-locations.yaml"
    path.write_text(text, encoding="utf-8")
    return load_suite(path)


def test_a_clean_table_passes_every_rule(tmp_path: Path, context) -> None:  # type: ignore[no-untyped-def]
    frame = pandas.DataFrame({"緯度": [35.69, 35.70], "ID": ["A1", "A2"], "台数": [1, 2]})
    outcomes = validate(frame, _suite(tmp_path), context)
    assert [(o.name, o.success) for o in outcomes] == [
        ("column_values_to_be_between[緯度]", True), ("column_values_to_be_unique[ID]", True),
        ("column_values_to_be_between[台数]", True)]
    assert all(o.element_count == 2 and o.unexpected_count == 0 for o in outcomes)


def test_failures_carry_their_severity_count_and_sample_values(tmp_path: Path, context, capsys) -> None:  # type: ignore[no-untyped-def]
    frame = pandas.DataFrame({"緯度": [139.70, 35.70, 35.71], "ID": ["A1", "A1", "A3"], "台数": [1, -2, 0]})
    by_name = {o.name: o for o in validate(frame, _suite(tmp_path), context)}
    latitude = by_name["column_values_to_be_between[緯度]"]
    assert (latitude.success, latitude.severity, latitude.unexpected_count) == (False, "error", 1)
    assert latitude.unexpected_sample == (139.7,) and "swapped" in latitude.notes
    assert by_name["column_values_to_be_unique[ID]"].unexpected_sample == ("A1", "A1")
    count = by_name["column_values_to_be_between[台数]"]
    assert (count.success, count.severity, count.unexpected_sample) == (False, "warn", (-2,))
    assert "Calculating Metrics" not in capsys.readouterr().err  # progress bars are off


@pytest.mark.parametrize(("text", "words"), [
    (SUITE.replace("expect_column_values_to_be_unique", "expect_column_values_to_be_uniq"),
     "#2 field 'type': 'expect_column_values_to_be_uniq' is not a Great Expectations expectation"),
    (SUITE.replace("severity: warn", "severity: fatal"), "#3 field 'severity': expected one of error, warn"),
    (SUITE.replace("    notes:", "    note:"), "#1 field 'note': not a suite field"),
])
def test_a_malformed_suite_names_the_file_the_expectation_and_the_field(tmp_path: Path, text: str, words: str) -> None:
    with pytest.raises(SuiteError) as failure:
        _suite(tmp_path, text)
    assert str(failure.value).startswith("aed-locations.yaml: expectation ") and words in str(failure.value)
