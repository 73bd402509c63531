"""Writing typed rows into the DuckDB warehouse, and describing tables for Dagster.

Raw tables get an explicit schema derived from the row dataclass (no type guessing: codes
stay text, counts stay integers), and a table is replaced in one transaction so a failed
write never leaves half a table behind.
"""

from __future__ import annotations

import dataclasses
import datetime
import types
import typing
from collections.abc import Iterator, Sequence
from pathlib import Path
from contextlib import contextmanager
from typing import Any

import dagster as dg
import duckdb

from catalog_api.sql import sql_literal

_SQL_TYPES: dict[type, str] = {
    int: "BIGINT", str: "VARCHAR", bool: "BOOLEAN", float: "DOUBLE",
    datetime.datetime: "TIMESTAMP", datetime.date: "DATE",
}


def _sql_type(annotation: Any) -> tuple[str, bool]:
    """DuckDB type for a dataclass field annotation, and whether it is nullable."""
    args = typing.get_args(annotation)
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        inner = [a for a in args if a is not type(None)]
        return _SQL_TYPES[inner[0]], True
    return _SQL_TYPES[annotation], False


def columns_of(row_type: type) -> list[tuple[str, str, bool, str]]:
    """(name, SQL type, nullable, description) for each field of a row dataclass."""
    hints = typing.get_type_hints(row_type)
    out = []
    for f in dataclasses.fields(row_type):
        sql, nullable = _sql_type(hints[f.name])
        out.append((f.name, sql, nullable, f.metadata.get("description", "")))
    return out


def replace_table(
    conn: duckdb.DuckDBPyConnection, schema: str, table: str, row_type: type, rows: Sequence[Any]
) -> int:
    """Replace ``schema.table`` with ``rows`` in one transaction; returns the row count."""
    cols = columns_of(row_type)
    ddl = ", ".join(f'"{n}" {t}{"" if nullable else " NOT NULL"}' for n, t, nullable, _ in cols)
    placeholders = ", ".join("?" for _ in cols)
    conn.execute("BEGIN TRANSACTION")
    try:
        conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        conn.execute(f'CREATE OR REPLACE TABLE "{schema}"."{table}" ({ddl})')
        for name, _, _, description in cols:
            if description:
                conn.execute(f'COMMENT ON COLUMN "{schema}"."{table}"."{name}" IS {sql_literal(description)}')
        if rows:
            conn.executemany(
                f'INSERT INTO "{schema}"."{table}" VALUES ({placeholders})',
                [dataclasses.astuple(r) for r in rows],
            )
        conn.execute("COMMIT")
    except Exception:
        conn.execute("ROLLBACK")
        raise
    return len(rows)


def replace_rows(
    conn: duckdb.DuckDBPyConnection, schema: str, table: str, row_type: type, rows: Sequence[Any],
    key: Sequence[str],
) -> int:
    """Upsert ``rows`` by ``key`` into ``schema.table`` (created when missing), in one transaction."""
    cols = columns_of(row_type)
    ddl = ", ".join(f'"{n}" {t}{"" if nullable else " NOT NULL"}' for n, t, nullable, _ in cols)
    names = [n for n, *_ in cols]
    key_positions = [names.index(k) for k in key]
    match = " AND ".join(f'"{k}" = ?' for k in key)
    conn.execute("BEGIN TRANSACTION")
    try:
        conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        conn.execute(f'CREATE TABLE IF NOT EXISTS "{schema}"."{table}" ({ddl})')
        tuples = [dataclasses.astuple(r) for r in rows]
        if tuples:
            conn.executemany(
                f'DELETE FROM "{schema}"."{table}" WHERE {match}',
                [[t[i] for i in key_positions] for t in tuples],
            )
            conn.executemany(
                f'INSERT INTO "{schema}"."{table}" VALUES ({", ".join("?" for _ in cols)})', tuples
            )
        conn.execute("COMMIT")
    except Exception:
        conn.execute("ROLLBACK")
        raise
    return len(rows)


def insert_rows(conn: duckdb.DuckDBPyConnection, relation: str, rows: Sequence[Sequence[Any]]) -> None:
    """Insert many rows through one columnar scan.

    ``executemany`` runs one statement per row, and large parameter lists bind slowly; DuckDB
    scans a pandas frame column by column, so thousands of register rows load in milliseconds.
    Values keep their Python types (text stays text: no type guessing on codes).
    """
    if not rows:
        return
    import pandas  # a dependency of great-expectations; imported here to keep start-up light

    columns = [name for name, *_ in conn.execute(f"DESCRIBE {relation}").fetchall()]
    frame = pandas.DataFrame.from_records(list(rows), columns=columns).astype(object)
    frame = frame.where(frame.notna(), None)
    view = "_tdpf_insert_rows"
    conn.register(view, frame)
    try:
        quoted = ", ".join(f'"{c}"' for c in columns)
        conn.execute(f"INSERT INTO {relation} ({quoted}) SELECT {quoted} FROM {view}")
    finally:
        conn.unregister(view)


def table_exists(conn: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    """Whether ``schema.table`` exists (readers of a warehouse that no build has written yet ask first)."""
    return bool(conn.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = ? "
                             "AND table_name = ?", [schema, table]).fetchone()[0])


def read_if_present(warehouse: Path, schema: str, table: str, query: str,
                    parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """``query``'s rows, read-only; none when the warehouse or ``schema.table`` does not exist yet.

    For what the CLI reports after a build (failed and removed sources): a data directory that
    never loaded a register has nothing to report, not an error.
    """
    if not warehouse.exists():
        return []
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        if not table_exists(conn, schema, table):
            return []
        return conn.execute(query, list(parameters)).fetchall()


@contextmanager
def transaction(conn: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Everything inside commits together or not at all: readers never see half a write."""
    conn.execute("BEGIN TRANSACTION")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def table_metadata(
    conn: duckdb.DuckDBPyConnection, relation: str, descriptions: dict[str, str] | None = None,
    preview_rows: int = 5,
) -> dict[str, Any]:
    """Row count, column schema and a small preview of a table, as Dagster metadata."""
    descriptions = descriptions or {}
    described = conn.execute(f"DESCRIBE {relation}").fetchall()
    schema = dg.TableSchema(
        columns=[
            dg.TableColumn(name=r[0], type=str(r[1]), description=descriptions.get(r[0]) or None)
            for r in described
        ]
    )
    row_count = conn.execute(f"SELECT count(*) FROM {relation}").fetchone()[0]
    cur = conn.execute(f"SELECT * FROM {relation} LIMIT {int(preview_rows)}")
    names = [d[0] for d in cur.description]
    preview = _markdown_table(names, cur.fetchall())
    return {
        "dagster/row_count": dg.MetadataValue.int(int(row_count)),
        "dagster/column_schema": schema,
        "dagster/relation_identifier": relation.replace('"', ""),
        "preview": dg.MetadataValue.md(preview),
    }


def _markdown_table(names: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    def cell(v: Any) -> str:
        return "" if v is None else str(v).replace("|", "\\|").replace("\n", " ")

    head = "| " + " | ".join(names) + " |\n|" + "---|" * len(names) + "\n"
    return head + "".join("| " + " | ".join(cell(v) for v in r) + " |\n" for r in rows)
