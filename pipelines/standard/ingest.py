"""Load the registers of some publishers into the warehouse: one raw table per standard set.

A publisher is the unit of work (the Dagster partition): its rows are replaced in one
transaction, so re-running 新宿区 never touches 八王子市's rows. A source that cannot be
read at all (bad encoding, a header without the mapped columns, a missing real-data folder)
keeps its previous rows and is reported; the publisher's other sources still load.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.parsers.errors import SourceFormatError, SourceLocation
from pipelines.standard.mapping import Issue, MappedSource, map_table
from pipelines.standard.readers import SourceTable, read_csv_table, read_xlsx_table
from pipelines.standard.registry import Registry, Source
from pipelines.standard.spec import StandardSpec
from pipelines.warehouse import insert_rows, transaction
from pipelines.standard.tables import ISSUE_COLUMNS, ISSUES_TABLE, LINEAGE_COLUMNS, SCHEMA, raw_table

@dataclass
class SkippedSource:
    """A source whose file could not be used this run; its previous rows stay."""

    source: Source
    reason: str
    severity: str = "error"  # "notice" when the real-data folder is simply not there


@dataclass
class IngestReport:
    """What a run of some publishers did: per-source outcomes, for metadata and the CLI."""

    mapped: list[MappedSource] = field(default_factory=list)
    skipped: list[SkippedSource] = field(default_factory=list)

    def rows_for(self, dataset: str) -> int:
        return sum(len(m.rows) for m in self.mapped if m.source.dataset == dataset)

    def issues(self) -> Iterable[tuple[MappedSource | SkippedSource, Issue]]:
        for m in self.mapped:
            for issue in m.issues:
                yield m, issue


def read_source(source: Source, landing: Path, realdata: Path) -> SourceTable:
    """Read the file a registry entry names, as declared (format, encoding, sheet, header)."""
    path = source.path(landing, realdata)
    label = f"{source.entry.root}:{source.entry.file}"
    if not path.is_file():
        raise SourceFormatError(SourceLocation(label, 1), f"the file named by registry source {source.id!r} "
                                f"({source.registry_file.name})", value="no such file")
    entry = source.entry
    if entry.format == "xlsx":
        return read_xlsx_table(path, label, entry.sheet, entry.header_row, entry.header_rows)
    return read_csv_table(path, label, entry.encoding, entry.header_row, entry.header_rows)


def map_publishers(registry: Registry, spec: StandardSpec, codes: Sequence[str], landing: Path,
                   realdata: Path, datasets: Collection[str] | None = None) -> IngestReport:
    """Read and map every source of the given publishers (of ``datasets``, when given; no database involved)."""
    report = IngestReport()
    for code in codes:
        for source in registry.for_publisher(code):
            if datasets is not None and source.dataset not in datasets:
                continue
            if source.entry.root == "realdata" and not realdata.is_dir():
                report.skipped.append(SkippedSource(source, f"real-data folder {realdata} not present", "notice"))
                continue
            try:
                table = read_source(source, landing, realdata)
                report.mapped.append(map_table(source, table, spec.get(source.dataset)))
            except SourceFormatError as exc:
                report.skipped.append(SkippedSource(source, str(exc)))
    return report


def ensure_tables(conn: duckdb.DuckDBPyConnection, spec: StandardSpec) -> None:
    """Create the raw tables (every standard column as text) and the issues table if missing."""
    conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    for standard in spec:
        columns = [*LINEAGE_COLUMNS, *((c.name, "VARCHAR") for c in standard.columns)]
        conn.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.{raw_table(standard)} ({_ddl(columns)})")
    conn.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.{ISSUES_TABLE} ({_ddl(ISSUE_COLUMNS)})")


def write_publishers(conn: duckdb.DuckDBPyConnection, spec: StandardSpec, codes: Sequence[str],
                     report: IngestReport, datasets: Collection[str] | None = None) -> None:
    """Replace the publishers' rows and issues in one transaction (skipped sources keep theirs).

    With ``datasets``, only those sets' rows and issues are replaced: a build that found one
    changed file of a publisher reloads that file's set, not the publisher's other sets.
    """
    ensure_tables(conn, spec)
    kept = [s.source.id for s in report.skipped]
    chosen = [s for s in spec if datasets is None or s.id in datasets]
    with transaction(conn):
        for standard in chosen:
            _delete(conn, raw_table(standard), codes, kept)
            rows = [
                (m.source.publisher.code, m.source.id, m.label, line, *values)
                for m in report.mapped if m.source.dataset == standard.id for line, values in m.rows
            ]
            insert_rows(conn, f"{SCHEMA}.{raw_table(standard)}", rows)
        _delete(conn, ISSUES_TABLE, codes, kept, also="reason = 'source_skipped'",
                datasets=[s.id for s in chosen])
        issues = [
            (m.source.publisher.code, m.source.id, m.source.dataset, m.label, i.line, i.column, i.column_name,
             i.value, i.severity, i.reason, i.message)
            for m, i in report.issues()
        ] + [
            (s.source.publisher.code, s.source.id, s.source.dataset, f"{s.source.entry.root}:{s.source.entry.file}",
             None, None, None, None, s.severity, "source_skipped", s.reason)
            for s in report.skipped
        ]
        insert_rows(conn, f"{SCHEMA}.{ISSUES_TABLE}", issues)


def _delete(conn: duckdb.DuckDBPyConnection, table: str, codes: Sequence[str], kept_sources: Sequence[str],
            also: str = "false", datasets: Sequence[str] | None = None) -> None:
    """Delete the publishers' rows (of ``datasets`` only, in the issues table), except those of sources
    kept from an earlier run."""
    of_datasets = "dataset IN (SELECT unnest(?::VARCHAR[]))" if datasets is not None else "true"
    conn.execute(
        f"DELETE FROM {SCHEMA}.{table} WHERE publisher_code IN (SELECT unnest(?::VARCHAR[])) "
        f"AND (source_id NOT IN (SELECT unnest(?::VARCHAR[])) OR {also}) AND {of_datasets}",
        [list(codes), list(kept_sources), *([list(datasets)] if datasets is not None else [])],
    )


def _ddl(columns: Iterable[tuple[str, str]]) -> str:
    return ", ".join(f'"{name}" {sql_type}' for name, sql_type in columns)
