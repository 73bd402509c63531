"""Expectations Great Expectations lacks, written as GX custom expectations.

Why custom classes and not checks of our own: they run inside the same GX validation, appear in
its results and reports, and carry ``mostly``, ``row_condition`` and result formats like any
built-in expectation. Each is a column map: GX counts the rows whose value fails the condition
(nulls are left to ``expect_column_values_to_not_be_null``).

Their type names are also kept, as plain text, in ``expectation_types.CUSTOM_EXPECTATION_TYPES``:
suites are checked against them when the code location loads, which must not import GX (this
module does). A test keeps the two lists equal.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pandas as pd
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics import ColumnMapMetricProvider, column_condition_partial

from pipelines.standard.normalise import check_digit


def _valid_lg_code(value: Any) -> bool:
    text = str(value)
    return len(text) == 6 and text.isascii() and text.isdigit() and check_digit(text[:5]) == text[5]


class ColumnValuesValidLgCode(ColumnMapMetricProvider):
    """Six ASCII digits whose last is the check digit of the first five (総務省 全国地方公共団体コード)."""

    condition_metric_name = "column_values.tdpf_valid_lg_code"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs: Any) -> pd.Series:
        return column.map(_valid_lg_code).astype(bool)


class ExpectColumnValuesToBeValidLgCode(ColumnMapExpectation):
    """Values are 6-digit local government codes with a correct check digit."""

    map_metric: ClassVar[str] = "column_values.tdpf_valid_lg_code"
    success_keys: ClassVar[tuple[str, ...]] = ("mostly",)


class ColumnValuesNumberBetween(ColumnMapMetricProvider):
    """The value reads as a finite number (text or numeric) within the bounds."""

    condition_metric_name = "column_values.tdpf_number_between"
    condition_value_keys = ("min_value", "max_value")

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, min_value: float | None = None, max_value: float | None = None,
                **kwargs: Any) -> pd.Series:
        number = pd.to_numeric(column.astype("string"), errors="coerce").astype("float64")
        ok = number.notna() & number.abs().lt(float("inf"))
        if min_value is not None:
            ok &= number >= min_value
        if max_value is not None:
            ok &= number <= max_value
        return ok.fillna(False).astype(bool)


class ExpectColumnValuesToBeNumberBetween(ColumnMapExpectation):
    """Values read as numbers within ``[min_value, max_value]``; text that is no number fails.

    The standard sets keep coordinates as text (as published); GX's own ``between`` compares
    text with text, so a swapped ``139.7`` would not be caught there.
    """

    map_metric: ClassVar[str] = "column_values.tdpf_number_between"
    success_keys: ClassVar[tuple[str, ...]] = ("min_value", "max_value", "mostly")
    min_value: float | None = None
    max_value: float | None = None


CUSTOM_EXPECTATIONS: tuple[type, ...] = (ExpectColumnValuesToBeValidLgCode, ExpectColumnValuesToBeNumberBetween)
