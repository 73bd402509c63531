"""The registry as a table, and the pruning that makes "taken out of the registry" mean "gone".

The ingest is partitioned by publisher, so a publisher removed from the registry has no
partition left to re-run, and its rows would stay published for ever. ``raw.registry_sources``
is the registry as of the last build: the standard sets' staging models keep only rows of
sources listed there (so a removed source leaves the next release even before anything is
deleted), and writing it deletes the removed sources' rows, issues and statuses from the raw
tables and records each removal in ``raw.removed_sources``, which the next release of the set
reports (``removed_sources`` in its metadata).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from pipelines.standard.ingest import ensure_tables
from pipelines.standard.registry import Registry
from pipelines.standard.spec import StandardSpec
from pipelines.standard.tables import (
    ISSUES_TABLE,
    REGISTRY_COLUMNS,
    REGISTRY_TABLE,
    REMOVED_COLUMNS,
    REMOVED_TABLE,
    SCHEMA,
    SOURCES_TABLE,
    raw_table,
)
from pipelines.warehouse import insert_rows, read_if_present, table_exists, transaction


@dataclass(frozen=True)
class RemovedSource:
    """A source whose rows left the warehouse because the registry no longer lists it."""

    publisher_code: str
    publisher_name: str | None
    source_id: str
    dataset: str
    rows_removed: int
    removed_at: datetime


def registry_rows(registry: Registry) -> list[tuple[str, str, str, str, str, str]]:
    """One row per registered source: who publishes it, into which set, from which file."""
    return [(s.publisher.code, s.publisher.name, s.id, s.dataset, f"{s.entry.root}:{s.entry.file}", s.licence)
            for s in registry.sources]


def write_registry(conn: duckdb.DuckDBPyConnection, spec: StandardSpec, registry: Registry) -> list[RemovedSource]:
    """Replace ``raw.registry_sources`` and prune every source it no longer lists, in one transaction."""
    ensure_tables(conn, spec)
    removed_at = datetime.now(timezone.utc).replace(tzinfo=None)
    with transaction(conn):
        conn.execute(f"DELETE FROM {SCHEMA}.{REGISTRY_TABLE}")
        insert_rows(conn, f"{SCHEMA}.{REGISTRY_TABLE}", registry_rows(registry))
        removed = [removal for standard in spec
                   for removal in _prune(conn, raw_table(standard), standard.id, removed_at)]
        for table in (ISSUES_TABLE, SOURCES_TABLE):
            conn.execute(f"DELETE FROM {SCHEMA}.{table} t WHERE NOT {_registered('t', 't.dataset')}")
        insert_rows(conn, f"{SCHEMA}.{REMOVED_TABLE}", [
            (r.publisher_code, r.publisher_name, r.source_id, r.dataset, r.rows_removed, r.removed_at)
            for r in removed])
    return removed


def _registered(alias: str, dataset: str = "?") -> str:
    """SQL: the row's (publisher, source, set) is one the registry lists; ``dataset`` is an SQL
    expression for the set (a parameter by default)."""
    return (f"EXISTS (SELECT 1 FROM {SCHEMA}.{REGISTRY_TABLE} g WHERE g.publisher_code = {alias}.publisher_code "
            f"AND g.source_id = {alias}.source_id AND g.dataset = {dataset})")


def _prune(conn: duckdb.DuckDBPyConnection, table: str, dataset: str, removed_at: datetime) -> list[RemovedSource]:
    """Delete a raw table's rows of sources no longer registered for its set; what was deleted, by source."""
    orphans = conn.execute(
        f"SELECT r.publisher_code, any_value(s.publisher_name), r.source_id, count(*) "
        f"FROM {SCHEMA}.{table} r LEFT JOIN {SCHEMA}.{SOURCES_TABLE} s "
        f"ON s.publisher_code = r.publisher_code AND s.source_id = r.source_id AND s.dataset = ? "
        f"WHERE NOT {_registered('r')} GROUP BY r.publisher_code, r.source_id ORDER BY 1, 3",
        [dataset, dataset]).fetchall()
    if orphans:
        conn.execute(f"DELETE FROM {SCHEMA}.{table} r WHERE NOT {_registered('r')}", [dataset])
    return [RemovedSource(code, name, source_id, dataset, int(rows), removed_at)
            for code, name, source_id, rows in orphans]


#: Every removal recorded, as :class:`RemovedSource` fields.
_REMOVED = (f"SELECT publisher_code, publisher_name, source_id, dataset, rows_removed, removed_at "
            f"FROM {SCHEMA}.{REMOVED_TABLE}")


def removed_since(conn: duckdb.DuckDBPyConnection, dataset: str, since: datetime | None) -> list[RemovedSource]:
    """The set's sources removed after ``since`` (the previous release's time; every one when None)."""
    if not table_exists(conn, SCHEMA, REMOVED_TABLE):
        return []
    rows = conn.execute(f"{_REMOVED} WHERE dataset = ? AND (? IS NULL OR removed_at > ?) "
                        "ORDER BY publisher_code, source_id, removed_at", [dataset, since, since]).fetchall()
    return [RemovedSource(*row) for row in rows]


def removals_after(warehouse: Path, since: datetime) -> list[RemovedSource]:
    """Every set's sources removed after ``since`` (what a build's summary lists), read-only."""
    rows = read_if_present(warehouse, SCHEMA, REMOVED_TABLE,
                           f"{_REMOVED} WHERE removed_at >= ? ORDER BY dataset, publisher_code, source_id", [since])
    return [RemovedSource(*row) for row in rows]
