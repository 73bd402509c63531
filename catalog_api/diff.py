"""What changed between two versions of a dataset, row by row, by the dataset's key.

A row of the newer version whose key the older lacks is *added*; the reverse is *removed*; a key
in both whose other values differ (``IS DISTINCT FROM``: a NULL that became a value counts) is
*changed*, with the columns that changed. The key is the set's own identity: the columns the
release declares as ``key`` in its metadata, else 全国地方公共団体コード + ID (the standard sets),
else ``ID`` or ``id``; a set with none of these is keyed by every column, so an edited row shows
as one removed and one added. So is a set whose key is not unique in one of the two versions
(real registers leave IDs blank: one publisher's 191 AED rows share the key (122033, NULL)); joined
on such a key, every blank row would match every other. Rows equal on the key are told apart by
their order within it, so two identical rows are two rows, and one of them removed is one removal.
Both versions are tables of the API's DuckDB (``catalog_api/engine.py``); the changes are read in
batches, so a large diff streams.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from catalog_api.engine import RecordsEngine
from catalog_api.records import ROW, quoted

#: Key columns tried in order when a release declares none.
KEY_CANDIDATES = (("全国地方公共団体コード", "ID"), ("ID",), ("id",))
BATCH = 1000


def key_of(metadata: Mapping[str, Any], columns: Sequence[str]) -> list[str]:
    """The dataset's key columns, as it declares or names them (see the module docstring)."""
    declared = metadata.get("key")
    if isinstance(declared, list) and declared and all(c in columns for c in declared):
        return list(declared)
    for candidate in KEY_CANDIDATES:
        if all(c in columns for c in candidate):
            return list(candidate)
    return list(columns)


def usable_key(engine: RecordsEngine, tables: Sequence[str], key: Sequence[str], columns: Sequence[str]) -> list[str]:
    """``key`` when it is unique in every one of ``tables``, else every column."""
    if list(key) == list(columns):
        return list(columns)
    distinct = f"count(DISTINCT row({', '.join(quoted(c) for c in key)}))"  # a row of NULLs counts too
    for table in tables:
        _, rows = engine.remembered_rows(f"SELECT count(*) = {distinct} FROM {table}", [])
        if not rows[0][0]:
            return list(columns)
    return list(key)


def counts(engine: RecordsEngine, old: str, new: str, key: Sequence[str], values: Sequence[str]) -> dict[str, int]:
    """How many rows were added, removed and changed."""
    _, rows = engine.rows(_changes_sql(old, new, key, values, "op, count(*)", "GROUP BY op"), [])
    found = dict(rows)
    return {op: int(found.get(op, 0)) for op in ("added", "removed", "changed")}


def changes(engine: RecordsEngine, old: str, new: str, key: Sequence[str],
            values: Sequence[str]) -> Iterator[dict[str, Any]]:
    """Every change — removed, then changed, then added, each in key order — as JSON-ready objects."""
    columns = [*key, *values]
    select = ", ".join(["op", *(quoted(f"{side}:{c}") for side in "on" for c in columns)])
    order = ", ".join(f"coalesce({quoted('n:' + c)}, {quoted('o:' + c)})" for c in key)
    cursor = engine.cursor().execute(_changes_sql(
        old, new, key, values, select,
        f"ORDER BY CASE op WHEN 'removed' THEN 0 WHEN 'changed' THEN 1 ELSE 2 END, {order}"))
    names = [d[0] for d in cursor.description]
    while batch := cursor.fetchmany(BATCH):
        for row in batch:
            yield _change(dict(zip(names, row)), key, values)


def _changes_sql(old: str, new: str, key: Sequence[str], values: Sequence[str], select: str, tail: str) -> str:
    """The two versions joined on the key (NULL matches NULL), each joined row labelled with its change."""
    columns = [*key, *values]
    sides = ", ".join(f"{side}.{quoted(c)} AS {quoted(f'{side}:{c}')}" for side in "on" for c in columns)
    joined = " AND ".join([*(f"o.{quoted(c)} IS NOT DISTINCT FROM n.{quoted(c)}" for c in key), "o._nth = n._nth"])
    numbered = f"*, row_number() OVER (PARTITION BY {', '.join(quoted(c) for c in key)} ORDER BY {ROW}) AS _nth"
    differs = " OR ".join(f"{quoted('o:' + c)} IS DISTINCT FROM {quoted('n:' + c)}" for c in values) or "FALSE"
    return f"""WITH joined AS (
                   SELECT o.{ROW} AS old_row, n.{ROW} AS new_row, {sides}
                   FROM (SELECT {numbered} FROM {old}) AS o FULL OUTER JOIN (SELECT {numbered} FROM {new}) AS n
                   ON {joined}),
               labelled AS (
                   SELECT CASE WHEN old_row IS NULL THEN 'added' WHEN new_row IS NULL THEN 'removed'
                               WHEN {differs} THEN 'changed' END AS op, * FROM joined)
               SELECT {select} FROM labelled WHERE op IS NOT NULL {tail}"""


def _change(row: Mapping[str, Any], key: Sequence[str], values: Sequence[str]) -> dict[str, Any]:
    side = "o" if row["op"] == "removed" else "n"
    change: dict[str, Any] = {"op": row["op"], "key": {c: row[f"{side}:{c}"] for c in key}}
    if row["op"] == "changed":
        changed = [c for c in values if row[f"o:{c}"] != row[f"n:{c}"]]
        change["columns"] = changed
        change["before"] = {c: row[f"o:{c}"] for c in changed}
        change["after"] = {c: row[f"n:{c}"] for c in changed}
    else:
        change["row"] = {c: row[f"{side}:{c}"] for c in [*key, *values]}
    return change
