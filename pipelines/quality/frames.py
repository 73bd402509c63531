"""Which pandas frames a gate validates: the whole table when it is small, bounded pieces when it is large.

Great Expectations validates pandas frames, and a frame holds every cell as a Python object: a
standard set of 500,000 rows and 39 columns is over a gigabyte, and it grows with every row. So
a table of more than :data:`FRAME_CELLS` cells is validated in pieces of at most that many cells,
and each rule's outcomes on the pieces are merged into the outcome it has on the whole table:

* **slices of columns** — each expectation reads only its own columns (and the partition
  column, to name the publishers whose rows fail), so rules are grouped by what they read;
* **chunks of rows** — a rule that judges each row on its own (GX's column, column-pair and
  multicolumn *map* expectations, ours included) sees the rows a chunk at a time, streamed from
  DuckDB; counts add up, and ``mostly`` is decided on the sums, as GX decides it;
* **buckets of a key** — a uniqueness rule sees the rows a hash bucket of its key columns at a
  time: equal keys always share a bucket, so every duplicate is still found;
* **the whole column** — any other rule (a mean, a distinct-value set, an order) sees all rows
  of its columns at once, and a row count sees a frame of no columns; rules about the table's
  column list see every column and no rows.

A small table is one frame of everything, as it always was.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

import duckdb

from pipelines.quality.gx_runner import PARTITION_SAMPLE_SIZE, SAMPLE_SIZE, RuleOutcome, expectation_classes
from pipelines.quality.suites import ExpectationRule
from catalog_api.sql import quote_ident as _quoted

#: Cells (rows × columns) one frame may hold: ~150 MB of Python strings.
FRAME_CELLS = 2_000_000
#: Columns a frame of row-wise rules may hold, beside the partition column.
FRAME_WIDTH = 8
#: Expectations about the table's columns themselves: they need every column name, not a row.
SCHEMA_RULES = frozenset({"expect_table_columns_to_match_set", "expect_table_columns_to_match_ordered_list",
                          "expect_table_column_count_to_equal", "expect_table_column_count_to_be_between",
                          "expect_column_to_exist"})
#: Map expectations whose verdict on a row depends on other rows: by key, or not at all in pieces.
KEYED_RULES = {"expect_column_values_to_be_unique": "column", "expect_compound_columns_to_be_unique": "column_list"}
_ORDERED_RULES = frozenset({"expect_column_values_to_be_increasing", "expect_column_values_to_be_decreasing"})
_COLUMN_KEYS = ("column", "column_A", "column_B")
_VECTOR = 2048  # rows in one DuckDB vector: streamed chunks are a whole number of them


@dataclass(frozen=True)
class FramePlan:
    """Frames to read and the rules to validate on each.

    ``mode`` says how the rows are split: ``whole`` (one frame of every row), ``rows`` (chunks of
    ``chunk_rows`` in table order), ``buckets`` (``bucket_count`` hash buckets of ``key``) or
    ``none`` (column names only).
    """

    columns: tuple[str, ...]  # in the table's order
    rows: bool  # False: no rows, only the column names (schema rules)
    rules: tuple[ExpectationRule, ...]
    mode: str = "whole"
    chunk_rows: int = 0
    key: tuple[str, ...] = ()
    bucket_count: int = 1

    @property
    def pieces(self) -> bool:
        """Whether outcomes come from several frames and are merged (see :func:`merge_outcomes`)."""
        return self.mode in ("rows", "buckets")


def read_columns(rule: ExpectationRule, columns: Sequence[str]) -> set[str]:
    """The table's columns an expectation reads: those its arguments name, and any its
    ``row_condition`` mentions (a name appearing in the condition's text is read, to be safe)."""
    names = {rule.kwargs[k] for k in _COLUMN_KEYS if isinstance(rule.kwargs.get(k), str)}
    listed = rule.kwargs.get("column_list")
    if isinstance(listed, (list, tuple)):
        names |= {c for c in listed if isinstance(c, str)}
    condition = rule.kwargs.get("row_condition")
    if isinstance(condition, str):
        names |= {c for c in columns if c in condition}
    return names & set(columns)


@functools.cache
def _row_wise_types() -> frozenset[str]:
    """Expectation types that judge each row alone: GX's map expectations, less those that compare rows."""
    from great_expectations.expectations.expectation import (
        ColumnMapExpectation,
        ColumnPairMapExpectation,
        MulticolumnMapExpectation,
    )

    bases = (ColumnMapExpectation, ColumnPairMapExpectation, MulticolumnMapExpectation)
    return frozenset(name for name, cls in expectation_classes().items()
                     if issubclass(cls, bases) and name not in KEYED_RULES and name not in _ORDERED_RULES)


def split_of(rule: ExpectationRule) -> str:
    """How ``rule`` may see a large table: ``schema``, ``rows``, ``buckets`` or ``whole``."""
    if rule.type in SCHEMA_RULES:
        return "schema"
    if rule.type in KEYED_RULES and _key_of(rule):
        return "buckets"
    return "rows" if rule.type in _row_wise_types() else "whole"


def _key_of(rule: ExpectationRule) -> tuple[str, ...]:
    value = rule.kwargs.get(KEYED_RULES.get(rule.type, ""))
    names = [value] if isinstance(value, str) else value if isinstance(value, (list, tuple)) else []
    return tuple(n for n in names if isinstance(n, str))


def plan_frames(rules: Sequence[ExpectationRule], columns: Sequence[str], rows: int,
                partition_column: str | None, budget: int | None = None) -> list[FramePlan]:
    """The frames for ``rules`` on a table of ``columns`` × ``rows``, each at most ``budget`` cells
    (:data:`FRAME_CELLS`) unless a rule must see a whole column (see the module docstring)."""
    budget = FRAME_CELLS if budget is None else budget
    if rows * len(columns) <= budget:
        return [FramePlan(tuple(columns), True, tuple(rules))]
    extra = {partition_column} & set(columns) if partition_column else set()
    by_split: dict[str, list[ExpectationRule]] = {}
    for rule in rules:
        by_split.setdefault(split_of(rule), []).append(rule)
    plans = []
    if by_split.get("schema"):
        plans.append(FramePlan(tuple(columns), False, tuple(by_split["schema"]), mode="none"))
    for group, wanted in _groups(by_split.get("rows", []), columns, FRAME_WIDTH):
        chosen = _in_order(wanted | extra, columns)
        plans.append(FramePlan(chosen, True, tuple(group), mode="rows",
                               chunk_rows=max(_VECTOR, budget // max(len(chosen), 1))))
    keyed: dict[tuple[str, ...], list[ExpectationRule]] = {}
    for rule in by_split.get("buckets", []):
        keyed.setdefault(_key_of(rule), []).append(rule)
    for key, group in keyed.items():
        chosen = _in_order(set(key) | extra | set().union(*(read_columns(r, columns) for r in group)), columns)
        plans.append(FramePlan(chosen, True, tuple(group), mode="buckets", key=key,
                               bucket_count=max(1, math.ceil(rows * len(chosen) / budget))))
    for group, wanted in _groups(by_split.get("whole", []), columns, max(1, budget // max(rows, 1))):
        # a rule reading no column (a row count) gets rows without cells, not a column of the table
        plans.append(FramePlan(_in_order(wanted | extra if wanted else set(), columns), True, tuple(group)))
    return plans


def _groups(rules: list[ExpectationRule], columns: Sequence[str],
            width: int) -> Iterator[tuple[list[ExpectationRule], set[str]]]:
    """Rules gathered while the columns they read together stay within ``width``."""
    group: list[ExpectationRule] = []
    wanted: set[str] = set()
    for rule in sorted(rules, key=lambda r: sorted(read_columns(r, columns))):
        needed = read_columns(rule, columns)
        if group and (len(wanted | needed) > width or bool(wanted) != bool(needed)):
            yield group, wanted
            group, wanted = [], set()
        group.append(rule)
        wanted |= needed
    if group:
        yield group, wanted


def _in_order(wanted: set[str], columns: Sequence[str]) -> tuple[str, ...]:
    return tuple(c for c in columns if c in wanted)


def read_frames(conn: duckdb.DuckDBPyConnection, relation: str, plan: FramePlan, rows: int) -> Iterator[Any]:
    """The plan's frames (pandas, GX's pandas datasource), one at a time; at least one."""
    import pandas as pd

    names = ", ".join(_quoted(c) for c in plan.columns)
    if not plan.columns:  # a row count reads no column: rows without cells
        yield pd.DataFrame(index=pd.RangeIndex(rows))
    elif plan.mode == "none":
        yield conn.execute(f"SELECT {names} FROM {relation} LIMIT 0").df()
    elif plan.mode == "rows":
        result = conn.execute(f"SELECT {names} FROM {relation}")  # streamed: one chunk in memory
        vectors = max(1, plan.chunk_rows // _VECTOR)
        frame = result.fetch_df_chunk(vectors)
        yield frame
        while len(frame):
            frame = result.fetch_df_chunk(vectors)
            if len(frame):
                yield frame
    elif plan.mode == "buckets":
        key = ", ".join(_quoted(c) for c in plan.key)
        for bucket in range(plan.bucket_count):
            yield conn.execute(f"SELECT {names} FROM {relation} WHERE hash({key}) % ? = ?",
                               [plan.bucket_count, bucket]).df()
    else:
        yield conn.execute(f"SELECT {names} FROM {relation}").df()


def rules_for_pieces(plan: FramePlan) -> tuple[ExpectationRule, ...]:
    """The rules as each piece runs them: without ``mostly``, so a piece reports (and locates)
    every failing row, and the share is judged once on the merged counts."""
    if not plan.pieces:
        return plan.rules
    return tuple(replace(r, kwargs={k: v for k, v in r.kwargs.items() if k != "mostly"})
                 if "mostly" in r.kwargs else r for r in plan.rules)


def merge_outcomes(rule: ExpectationRule, parts: Sequence[RuleOutcome]) -> RuleOutcome:
    """One rule's outcome on the whole table from its outcomes on the pieces (as GX would give it)."""
    first = parts[0]
    error = next((p.error for p in parts if p.error), "")
    elements = sum(p.element_count for p in parts)
    unexpected = sum(p.unexpected_count for p in parts)
    considered = elements - sum(p.missing_count for p in parts)
    mostly = rule.kwargs.get("mostly")
    if error:
        success = False
    elif isinstance(mostly, (int, float)) and not isinstance(mostly, bool):
        success = unexpected == 0 or considered <= 0 or (considered - unexpected) / considered >= mostly
    else:
        success = all(p.success for p in parts)
    failing = [p for p in parts if not p.success]
    located = not success and not error
    return replace(
        first,
        name=rule.name, kwargs=rule.kwargs, success=success, element_count=elements, unexpected_count=unexpected,
        missing_count=sum(p.missing_count for p in parts),
        unexpected_sample=tuple(v for p in parts for v in p.unexpected_sample)[:SAMPLE_SIZE],
        observed=first.observed if all(p.observed == first.observed for p in parts) else None,
        partitions=tuple(sorted({c for p in failing for c in p.partitions})) if located else (),
        error=error,
        attributed=located and all(p.attributed for p in failing),
        partition_samples=_merged_samples(failing) if located else {},
    )


def _merged_samples(parts: Sequence[RuleOutcome]) -> dict[str, tuple[Any, ...]]:
    merged: dict[str, tuple[Any, ...]] = {}
    for part in parts:
        for owner, values in part.partition_samples.items():
            merged[owner] = (merged.get(owner, ()) + tuple(values))[:PARTITION_SAMPLE_SIZE]
    return dict(sorted(merged.items()))
