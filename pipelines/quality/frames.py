"""Which pandas frames a gate validates: the whole table when it is small, column slices when it is large.

Great Expectations validates pandas frames, and a frame of every column holds every cell as a
Python object: for a standard set of 500,000 rows and 39 columns that is over a gigabyte, the
largest allocation of a whole build. But each expectation reads only its own columns (and the
partition column, to name the publishers whose rows fail). So a table larger than
:data:`FRAME_CELLS` cells is validated as several frames, each holding all rows of a few columns,
with the rules that read exactly those; rules about the table's column list get a frame of
every column and no rows. A small table is one frame, as before: same results, one pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from pipelines.quality.suites import ExpectationRule

#: Cells (rows × columns) one frame may hold: ~300 MB of Python strings.
FRAME_CELLS = 4_000_000
#: Expectations about the table's columns themselves: they need every column name, not a row.
SCHEMA_RULES = frozenset({"expect_table_columns_to_match_set", "expect_table_columns_to_match_ordered_list",
                          "expect_table_column_count_to_equal", "expect_table_column_count_to_be_between",
                          "expect_column_to_exist"})
_COLUMN_KEYS = ("column", "column_A", "column_B")


@dataclass(frozen=True)
class FramePlan:
    """One frame to read and the rules to validate on it."""

    columns: tuple[str, ...]  # in the table's order
    rows: bool  # False: no rows, only the column names (schema rules)
    rules: tuple[ExpectationRule, ...]


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


def plan_frames(rules: Sequence[ExpectationRule], columns: Sequence[str], rows: int,
                partition_column: str | None, budget: int | None = None) -> list[FramePlan]:
    """The frames for ``rules`` on a table of ``columns`` × ``rows``, each at most ``budget`` cells
    (:data:`FRAME_CELLS`) unless one rule alone needs more (see the module docstring)."""
    budget = FRAME_CELLS if budget is None else budget
    if rows * len(columns) <= budget:
        return [FramePlan(tuple(columns), True, tuple(rules))]
    extra = {partition_column} & set(columns) if partition_column else set()
    plans = []
    schema = tuple(r for r in rules if r.type in SCHEMA_RULES)
    if schema:
        plans.append(FramePlan(tuple(columns), False, schema))
    width = max(1, budget // max(rows, 1))
    group: list[ExpectationRule] = []
    group_columns: set[str] = set(extra)
    for rule in sorted((r for r in rules if r.type not in SCHEMA_RULES), key=lambda r: sorted(read_columns(r, columns))):
        needed = read_columns(rule, columns)
        if group and len(group_columns | needed) > width:
            plans.append(_plan(group, group_columns, columns))
            group, group_columns = [], set(extra)
        group.append(rule)
        group_columns |= needed
    if group:
        plans.append(_plan(group, group_columns, columns))
    return plans


def _plan(rules: list[ExpectationRule], wanted: set[str], columns: Sequence[str]) -> FramePlan:
    chosen = tuple(c for c in columns if c in wanted) or tuple(columns[:1])  # a row count still needs rows
    return FramePlan(chosen, True, tuple(rules))


def read_frame(conn: duckdb.DuckDBPyConnection, relation: str, plan: FramePlan) -> Any:
    """The plan's frame: its columns, every row (or none), as pandas (GX's pandas datasource)."""
    names = ", ".join('"' + c.replace('"', '""') + '"' for c in plan.columns)
    return conn.execute(f"SELECT {names} FROM {relation}{'' if plan.rows else ' LIMIT 0'}").df()
