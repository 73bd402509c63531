"""Load the registers of some publishers into the warehouse: one raw table per standard set.

A publisher is the unit of work (the Dagster partition): its rows are replaced in one
transaction, so re-running 新宿区 never touches 八王子市's rows. A source (registry entry ×
file) is the unit of failure: whatever goes wrong reading it — a file that is not what the
registry declares, bad encoding, a header without the mapped columns, or any library's own
exception — becomes a located error in ``raw.register_sources`` and the issues table, the
source keeps its previous rows, and every other source still loads.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from pipelines.parsers.errors import SourceFormatError, SourceLocation
from pipelines.standard.mapping import MappedSource, clear_caches, map_table, quarantine_repeated_ids
from pipelines.standard.readers import SourceTable, read_csv_table, read_geojson_table, read_xlsx_table
from pipelines.standard.registry import Registry, Source
from pipelines.standard.sniff import check_kind
from pipelines.standard.spec import StandardSpec
from pipelines.standard.tables import (
    ISSUE_COLUMNS,
    ISSUES_TABLE,
    LINEAGE_COLUMNS,
    REGISTRY_COLUMNS,
    REGISTRY_TABLE,
    REMOVED_COLUMNS,
    REMOVED_TABLE,
    SCHEMA,
    SOURCE_COLUMNS,
    SOURCES_TABLE,
    raw_table,
)
from pipelines.warehouse import insert_rows, read_if_present, transaction

@dataclass
class SkippedSource:
    """A source whose file could not be used this run; its previous rows stay."""

    source: Source
    reason: str
    severity: str = "error"  # "notice" when the real-data folder is simply not there

    @property
    def status(self) -> str:
        return "absent" if self.severity == "notice" else "failed"


@dataclass
class IngestReport:
    """What a run of some publishers did: per-source outcomes, for metadata and the CLI."""

    mapped: list[MappedSource] = field(default_factory=list)
    skipped: list[SkippedSource] = field(default_factory=list)

    def rows_for(self, dataset: str) -> int:
        return sum(len(m.rows) for m in self.mapped if m.source.dataset == dataset)

    @property
    def failed(self) -> list[SkippedSource]:
        return [s for s in self.skipped if s.status == "failed"]

    def discard(self) -> None:
        """Delete what the mapped sources spooled to disk (after writing, or when the run fails)."""
        for m in self.mapped:
            m.discard()


@dataclass(frozen=True)
class FailedSource:
    """A row of ``raw.register_sources`` whose latest read failed (what the CLI and the API list)."""

    publisher_code: str
    publisher_name: str
    source_id: str
    dataset: str
    source_file: str
    rows_published: int
    message: str


def failed_sources(warehouse: Path) -> list[FailedSource]:
    """The sources whose latest read failed, from the warehouse (none before the first register load)."""
    rows = read_if_present(
        warehouse, SCHEMA, SOURCES_TABLE,
        "SELECT publisher_code, publisher_name, source_id, dataset, source_file, rows_published, message "
        f"FROM {SCHEMA}.{SOURCES_TABLE} WHERE status = 'failed' ORDER BY publisher_code, source_id")
    return [FailedSource(*row) for row in rows]


def read_source(source: Source, landing: Path, realdata: Path) -> SourceTable:
    """Read the file a registry entry names, as declared (format, encoding, sheet, header)."""
    path = source.path(landing, realdata)
    label = f"{source.entry.root}:{source.entry.file}"
    if not path.is_file():
        raise SourceFormatError(SourceLocation(label, 1), f"the file named by registry source {source.id!r} "
                                f"({source.registry_file.name})", value="no such file")
    entry = source.entry
    check_kind(path, label, entry.format)
    if entry.format == "xlsx":
        return read_xlsx_table(path, label, entry.sheet, entry.header_row, entry.header_rows, entry.last_row)
    if entry.format == "geojson":
        return read_geojson_table(path, label, entry.encoding)
    return read_csv_table(path, label, entry.encoding, entry.header_row, entry.header_rows, entry.last_row)


def map_publishers(registry: Registry, spec: StandardSpec, codes: Sequence[str], landing: Path,
                   realdata: Path, datasets: Collection[str] | None = None,
                   spool_dir: Path | None = None) -> IngestReport:
    """Read and map every source of the given publishers (of ``datasets``, when given; no database involved).

    Large sources spool their rows to ``spool_dir`` (the system's temporary folder when None):
    call :meth:`IngestReport.discard` when done with the report.
    """
    report = IngestReport()
    try:
        for code in codes:
            first = len(report.mapped)
            _map_sources(registry.for_publisher(code), spec, landing, realdata, datasets, report, spool_dir)
            quarantine_repeated_ids(report.mapped[first:])
    except BaseException:
        report.discard()
        raise
    finally:
        clear_caches()
    return report


def _map_sources(sources: Iterable[Source], spec: StandardSpec, landing: Path, realdata: Path,
                 datasets: Collection[str] | None, report: IngestReport, spool_dir: Path | None) -> None:
    """Each source read and mapped on its own: whatever fails is that source's failure only."""
    for source in sources:
        if datasets is not None and source.dataset not in datasets:
            continue
        if source.entry.root == "realdata" and not realdata.is_dir():
            report.skipped.append(SkippedSource(source, f"real-data folder {realdata} not present", "notice"))
            continue
        try:
            table = read_source(source, landing, realdata)
            report.mapped.append(map_table(source, table, spec.get(source.dataset), spool_dir))
        except SourceFormatError as exc:
            report.skipped.append(SkippedSource(source, str(exc)))
        except Exception as exc:  # noqa: BLE001 - any library's failure costs this source, never the others
            report.skipped.append(SkippedSource(source, str(unexpected_failure(source, exc))))


def unexpected_failure(source: Source, exc: Exception) -> SourceFormatError:
    """An exception no reader turned into a located error, said as one (where is the file; what broke)."""
    entry = source.entry
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return SourceFormatError(
        SourceLocation(f"{entry.root}:{entry.file}", 1),
        f"a {entry.format} file the reader can read as registry source {source.id!r} declares it",
        value=f"{type(exc).__name__}{': ' + detail[:300] if detail else ''}")


def ensure_tables(conn: duckdb.DuckDBPyConnection, spec: StandardSpec) -> None:
    """Create the raw tables (every standard column as text), the issues, statuses and registry tables if missing."""
    conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    for standard in spec:
        columns = [*LINEAGE_COLUMNS, *((c.name, "VARCHAR") for c in standard.columns)]
        conn.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.{raw_table(standard)} ({_ddl(columns)})")
    conn.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.{ISSUES_TABLE} ({_ddl(ISSUE_COLUMNS)})")
    conn.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.{SOURCES_TABLE} ({_ddl(SOURCE_COLUMNS)})")
    conn.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.{REGISTRY_TABLE} ({_ddl(REGISTRY_COLUMNS)})")
    conn.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.{REMOVED_TABLE} ({_ddl(REMOVED_COLUMNS)})")


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
            for m in report.mapped:
                if m.source.dataset == standard.id:
                    m.rows.load_into(conn, f"{SCHEMA}.{raw_table(standard)}", (m.source.publisher.code, m.source.id,
                                                                              m.label))
        _delete(conn, ISSUES_TABLE, codes, kept, also="reason = 'source_skipped'",
                datasets=[s.id for s in chosen])
        for m in report.mapped:
            m.issues.load_into(conn, f"{SCHEMA}.{ISSUES_TABLE}",
                               (m.source.publisher.code, m.source.id, m.source.dataset, m.label))
        insert_rows(conn, f"{SCHEMA}.{ISSUES_TABLE}", [
            (s.source.publisher.code, s.source.id, s.source.dataset, f"{s.source.entry.root}:{s.source.entry.file}",
             None, None, None, None, s.severity, "source_skipped", s.reason)
            for s in report.skipped
        ])
        _write_statuses(conn, spec, codes, report, [s.id for s in chosen])


def _write_statuses(conn: duckdb.DuckDBPyConnection, spec: StandardSpec, codes: Sequence[str],
                    report: IngestReport, datasets: Sequence[str]) -> None:
    """Each source's latest outcome; a failed source's row count is what it still has published."""
    conn.execute(
        f"DELETE FROM {SCHEMA}.{SOURCES_TABLE} WHERE publisher_code IN (SELECT unnest(?::VARCHAR[])) "
        "AND dataset IN (SELECT unnest(?::VARCHAR[]))", [list(codes), list(datasets)])
    statuses = [
        (m.source.publisher.code, m.source.publisher.name, m.source.id, m.source.dataset, m.label, "loaded",
         len(m.rows), len(m.quarantined_lines), None)
        for m in report.mapped if m.source.dataset in datasets
    ] + [
        (s.source.publisher.code, s.source.publisher.name, s.source.id, s.source.dataset,
         f"{s.source.entry.root}:{s.source.entry.file}", s.status,
         _rows_kept(conn, raw_table(spec.get(s.source.dataset)), s.source.id), 0, s.reason)
        for s in report.skipped if s.source.dataset in datasets
    ]
    insert_rows(conn, f"{SCHEMA}.{SOURCES_TABLE}", [(*row, _now()) for row in statuses])


def _rows_kept(conn: duckdb.DuckDBPyConnection, table: str, source_id: str) -> int:
    return int(conn.execute(f"SELECT count(*) FROM {SCHEMA}.{table} WHERE source_id = ?", [source_id]).fetchone()[0])


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


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
