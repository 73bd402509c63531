"""Vendor feed files of some JST days → ``raw.smart_pole_readings`` and ``raw.smart_pole_rejects``.

Everything is read by DuckDB's own readers (``read_csv`` for the CSV, once Python's CP932 codec
has made a UTF-8 copy of each Shift_JIS file; ``read_json_objects`` for NGSI-v2 arrays, line-wise
JSON for JSON Lines) and reshaped in SQL, never row by row in Python. Every value that cannot be used becomes a reject
row with a reason code, the file and the line; nothing is dropped silently. A load replaces
exactly the days it is given, in one transaction.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from pipelines.parsers.errors import SourceFormatError
from pipelines.standard.readers import encoding_of
from pipelines.smart_poles.formats import (
    CSV_COLUMNS,
    CSV_DEVICE_COLUMN,
    CSV_TIME_COLUMN,
    FILE_SUFFIX,
    FORMATS,
    NGSI_ATTRIBUTES,
    UNCEFACT_UNITS,
)

READINGS_DDL = """
CREATE TABLE IF NOT EXISTS raw.smart_pole_readings (
    partition_day DATE NOT NULL,      -- JST day the file covers (its folder)
    device_id VARCHAR NOT NULL,
    observed_at TIMESTAMP NOT NULL,   -- UTC, as the feed states it (repairs happen in staging)
    metric VARCHAR NOT NULL,
    value DOUBLE NOT NULL,
    unit VARCHAR NOT NULL,            -- as delivered (degF stays degF here)
    vendor_format VARCHAR NOT NULL,   -- csv_sjis / ngsi_v2 / jsonl
    source_file VARCHAR NOT NULL,     -- relative to the landing folder
    source_line BIGINT NOT NULL       -- line (CSV, JSONL) or array element (NGSI), from 1
)"""

REJECTS_DDL = """
CREATE TABLE IF NOT EXISTS raw.smart_pole_rejects (
    partition_day DATE NOT NULL,
    vendor_format VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    source_line BIGINT NOT NULL,      -- 0 when the whole file is unreadable
    field VARCHAR,                    -- column, attribute or key concerned
    raw_value VARCHAR,
    reason VARCHAR NOT NULL,          -- code, see docs/smart-poles.md
    detail VARCHAR
)"""

REJECT_REASONS = (
    "bad_file", "bad_json_line", "missing_field", "bad_timestamp", "bad_value",
    "unknown_metric", "unknown_unit",
)

_DAY_DIR = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: The JST day of a row is the folder its file sits in: feeds/<format>/<YYYY-MM-DD>/<device>.<ext>
_PARTITION_DAY = r"regexp_extract(filename, '(\d{4}-\d{2}-\d{2})/[^/]*$', 1)::DATE"


@dataclass(frozen=True)
class LoadStats:
    """What one load did, for Dagster metadata and the benchmark."""

    days: tuple[str, ...]
    files: dict[str, int]
    readings: int
    rejects: dict[str, int]


def feed_files(feeds_root: Path, fmt: str, days: Sequence[date]) -> list[Path]:
    """Files of one format for the given JST days, in a stable order."""
    out: list[Path] = []
    for day in sorted(days):
        folder = feeds_root / fmt / day.isoformat()
        if folder.is_dir():
            out.extend(sorted(p for p in folder.iterdir() if p.suffix == FILE_SUFFIX[fmt]))
    return out


def days_with_files(feeds_root: Path) -> list[date]:
    """Every JST day that has at least one feed file (for backfills and the sensor)."""
    days = {
        date.fromisoformat(d.name)
        for fmt in FORMATS if (feeds_root / fmt).is_dir()
        for d in (feeds_root / fmt).iterdir()
        if d.is_dir() and _DAY_DIR.match(d.name) and any(d.iterdir())
    }
    return sorted(days)


def _sql_list(paths: Sequence[Path]) -> str:
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# Shared tail of every format's query: typed, with a reject reason where something is off.
# Input columns: filename, source_line, device_id, ts (TIMESTAMP UTC or NULL), ts_text,
# field, metric (NULL when unknown), raw_value, unit (NULL when unknown), and bad_syntax
# (true when the line is not even JSON).
_CLASSIFY = """
SELECT
    filename, source_line, device_id, ts, ts_text, field, metric, raw_value, unit,
    TRY_CAST(raw_value AS DOUBLE) AS value,
    CASE
        WHEN bad_syntax THEN 'bad_json_line'
        WHEN device_id IS NULL OR device_id = '' THEN 'missing_field'
        WHEN ts_text IS NULL THEN 'missing_field'
        WHEN ts IS NULL THEN 'bad_timestamp'
        WHEN metric IS NULL THEN 'unknown_metric'
        WHEN unit IS NULL THEN 'unknown_unit'
        WHEN raw_value IS NULL THEN 'missing_field'
        WHEN TRY_CAST(raw_value AS DOUBLE) IS NULL
             OR NOT isfinite(TRY_CAST(raw_value AS DOUBLE)) THEN 'bad_value'
    END AS reason
FROM ({inner})
"""


def _csv_query(conn: duckdb.DuckDBPyConnection, files: Sequence[Path]) -> str:
    """Wide Shift_JIS CSV → long rows. Empty cells are NULL and UNPIVOT leaves them out: an
    empty cell is "no reading" (a sensor the pole does not carry), which staging counts
    against coverage; it is not a value to reject."""
    conn.execute(
        f"""CREATE OR REPLACE TEMP TABLE _csv AS
        SELECT * FROM read_csv({_sql_list(files)}, header = true,
                               all_varchar = true, filename = true, union_by_name = true,
                               delim = ',', quote = '"', strict_mode = false) WITH ORDINALITY"""
    )
    columns = [r[0] for r in conn.execute("DESCRIBE _csv").fetchall()]
    keys = {"filename", "ordinality", CSV_TIME_COLUMN, CSV_DEVICE_COLUMN}
    value_columns = [c for c in columns if c not in keys]
    mapping = ", ".join(f"({_sql_str(c.header)}, {_sql_str(c.metric)}, {_sql_str(c.unit)})" for c in CSV_COLUMNS)
    quoted = ", ".join('"' + c.replace('"', '""') + '"' for c in value_columns)
    time_col, device_col = f'"{CSV_TIME_COLUMN}"', f'"{CSV_DEVICE_COLUMN}"'
    inner = f"""
        WITH lined AS (
            SELECT *, ordinality - min(ordinality) OVER (PARTITION BY filename) + 2 AS source_line
            FROM _csv
        ),
        long AS (
            UNPIVOT (SELECT filename, source_line, {time_col}, {device_col}, {quoted} FROM lined)
            ON {quoted} INTO NAME field VALUE raw_value
        )
        SELECT filename, source_line, {device_col} AS device_id,
               try_strptime({time_col}, '%Y/%m/%d %H:%M') - INTERVAL 9 HOUR AS ts,  -- JST → UTC
               {time_col} AS ts_text, field, m.metric, raw_value, m.unit, false AS bad_syntax
        FROM long LEFT JOIN (VALUES {mapping}) AS m(header, metric, unit) ON m.header = long.field
    """
    return _CLASSIFY.format(inner=inner)


def _ngsi_query(files: Sequence[Path]) -> str:
    known = sorted({a.attribute for a in NGSI_ATTRIBUTES} | {"id", "type", "refDevice", "dateObserved"})
    units = ", ".join(f"({_sql_str(k)}, {_sql_str(v)})" for k, v in UNCEFACT_UNITS.items())
    per_attribute = "\nUNION ALL\n".join(
        f"""SELECT filename, source_line, device_id, ts_text, {_sql_str(a.attribute)} AS field,
                   {_sql_str(a.metric)} AS metric,
                   json_extract_string(json, '$.{a.attribute}.{a.value_path}') AS raw_value,
                   {f"{_sql_str(a.unit)}" if a.unit else f"json_extract_string(json, '$.{a.attribute}.metadata.unitCode.value')"} AS unit_code
            FROM entities WHERE json_exists(json, '$.{a.attribute}')"""
        for a in NGSI_ATTRIBUTES
    )
    unknown = f"""SELECT filename, source_line, device_id, ts_text, k AS field, NULL AS metric,
                         json_extract(json, '$.' || k)::VARCHAR AS raw_value, NULL AS unit_code
                  FROM (SELECT *, unnest(json_keys(json)) AS k FROM entities)
                  WHERE NOT list_contains({_sql_list_str(known)}, k)"""
    inner = f"""
        WITH entities AS (
            SELECT filename, ordinality AS global_index, json,
                   ordinality - min(ordinality) OVER (PARTITION BY filename) + 1 AS source_line,
                   json_extract_string(json, '$.refDevice.value') AS device_id,
                   json_extract_string(json, '$.dateObserved.value') AS ts_text
            FROM read_json_objects({_sql_list(files)}, format = 'array', filename = true) WITH ORDINALITY
        ),
        long AS ({per_attribute}
        UNION ALL
        {unknown})
        SELECT filename, source_line, device_id,
               try_strptime(ts_text, '%Y-%m-%dT%H:%M:%S.%gZ') AS ts, ts_text, field, metric, raw_value,
               CASE WHEN unit_code IN ('persons', 'connections') THEN unit_code ELSE u.unit END AS unit,
               false AS bad_syntax
        FROM long LEFT JOIN (VALUES {units}) AS u(code, unit) ON u.code = long.unit_code
    """
    return _CLASSIFY.format(inner=inner)


def _sql_list_str(items: Sequence[str]) -> str:
    return "[" + ", ".join(_sql_str(i) for i in items) + "]"


def _jsonl_query(conn: duckdb.DuckDBPyConnection, files: Sequence[Path]) -> str:
    """JSON Lines, read line by line as text so a broken line is rejected, not skipped."""
    conn.execute(
        f"""CREATE OR REPLACE TEMP TABLE _jsonl AS
        SELECT filename, line, json_valid(line) AS ok,
               ordinality - min(ordinality) OVER (PARTITION BY filename) + 1 AS source_line
        FROM read_csv({_sql_list(files)}, columns = {{'line': 'VARCHAR'}}, header = false,
                      delim = chr(1), quote = '', escape = '', filename = true) WITH ORDINALITY"""
    )
    metrics = _sql_list_str(sorted({c.metric for c in CSV_COLUMNS}))
    inner = f"""
        SELECT filename, source_line,
               json_extract_string(line, '$.device_id') AS device_id,
               make_timestamp(TRY_CAST(json_extract_string(line, '$.ts') AS BIGINT) * 1000) AS ts,
               json_extract_string(line, '$.ts') AS ts_text,
               json_extract_string(line, '$.metric') AS field,
               CASE WHEN list_contains({metrics}, json_extract_string(line, '$.metric'))
                    THEN json_extract_string(line, '$.metric') END AS metric,
               json_extract_string(line, '$.value') AS raw_value,
               json_extract_string(line, '$.unit') AS unit,
               false AS bad_syntax
        FROM _jsonl WHERE ok
        UNION ALL
        SELECT filename, source_line, NULL, NULL, NULL, 'line', NULL, line, NULL, true FROM _jsonl WHERE NOT ok
    """
    return _CLASSIFY.format(inner=inner)


_KNOWN_UNITS = ("degC", "degF", "pct", "hPa", "kPa", "lx", "dB", "ug/m3", "persons", "connections")


def _parse_format(conn: duckdb.DuckDBPyConnection, fmt: str, files: Sequence[Path], table: str) -> None:
    """Create ``table`` with the classified rows of ``files`` (one format)."""
    if fmt == "csv_sjis":
        query = _csv_query(conn, files)
    elif fmt == "ngsi_v2":
        query = _ngsi_query(files)
    else:
        query = _jsonl_query(conn, files)
    units = _sql_list_str(_KNOWN_UNITS)
    conn.execute(
        f"""CREATE OR REPLACE TEMP TABLE {table} AS
        SELECT *, CASE
            WHEN reason IS NULL AND NOT list_contains({units}, unit) THEN 'unknown_unit'
            WHEN reason IS NULL AND raw_value IS NULL THEN 'missing_field'
            ELSE reason END AS reject_reason,
            {_sql_str(fmt)} AS vendor_format
        FROM ({query})"""
    )


def utf8_copies(files: Sequence[Path], landing: Path, scratch: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """UTF-8 copies of Shift_JIS (CP932) feed files, at their landing paths under ``scratch``; and the
    files that are not CP932, each with its located error.

    Why not DuckDB's encodings extension: loading it costs ~330 MB of resident memory for the rest of
    the process (every converter's tables), and a build runs in one long-lived process. Python's
    codec costs nothing until used, and names the line and column of a bad byte.
    """
    copies, bad = [], []
    for path in files:
        label = str(path.relative_to(landing))
        try:
            encoding = encoding_of(path, label, "cp932")
        except SourceFormatError as exc:
            bad.append((path, str(exc)))
            continue
        copy = scratch / label
        copy.parent.mkdir(parents=True, exist_ok=True)
        with path.open(encoding=encoding, newline="") as src, copy.open("w", encoding="utf-8", newline="") as dst:
            shutil.copyfileobj(src, dst)
        copies.append(copy)
    return copies, bad


def _parse_with_fallback(
    conn: duckdb.DuckDBPyConnection, fmt: str, files: Sequence[Path]
) -> tuple[list[str], list[tuple[Path, str]]]:
    """Parse all files at once; if DuckDB cannot read one, find it and reject it whole."""
    try:
        _parse_format(conn, fmt, files, f"_parsed_{fmt}")
        return [f"_parsed_{fmt}"], []
    except duckdb.Error:
        pass
    tables, bad = [], []
    for i, path in enumerate(files):
        table = f"_parsed_{fmt}_{i}"
        try:
            _parse_format(conn, fmt, [path], table)
            tables.append(table)
        except duckdb.Error as exc:
            bad.append((path, str(exc).splitlines()[0][:500]))
    return tables, bad


def load_days(conn: duckdb.DuckDBPyConnection, landing: Path, days: Sequence[date],
              scratch: Path | None = None) -> LoadStats:
    """Replace the readings and rejects of ``days`` with what the feed files say, atomically.

    ``scratch`` (the system's temporary folder when None) holds the UTF-8 copies of the Shift_JIS
    files while they are read.
    """
    if scratch is not None:
        scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="feeds-", dir=scratch) as copies:
        return _load_days(conn, landing, days, Path(copies))


def _load_days(conn: duckdb.DuckDBPyConnection, landing: Path, days: Sequence[date], copies: Path) -> LoadStats:
    feeds = landing / "feeds"
    conn.execute("CREATE SCHEMA IF NOT EXISTS raw")
    conn.execute(READINGS_DDL)
    conn.execute(REJECTS_DDL)
    prefix = str(landing).rstrip("/") + "/"
    day_sql = _sql_list_str([d.isoformat() for d in days])
    # Parse first, into temporary tables: a file DuckDB cannot read must not abort the
    # transaction that replaces the days.
    file_counts: dict[str, int] = {}
    parsed: list[str] = []
    unreadable: list[tuple[str, Path, str]] = []
    for fmt in FORMATS:
        files = feed_files(feeds, fmt, days)
        file_counts[fmt] = len(files)
        if fmt == "csv_sjis":
            files, undecodable = utf8_copies(files, landing, copies)
            unreadable.extend((fmt, path, message) for path, message in undecodable)
        if files:
            tables, bad = _parse_with_fallback(conn, fmt, files)
            parsed.extend(tables)
            unreadable.extend((fmt, path, message) for path, message in bad)
    # a copy sits at its file's landing path under the copies folder: either prefix leaves that path
    copies_prefix = str(copies).rstrip("/") + "/"
    source = f"replace(replace(filename, {_sql_str(prefix)}, ''), {_sql_str(copies_prefix)}, '')"
    in_days = f"list_contains({day_sql}, strftime(partition_day, '%Y-%m-%d'))"
    conn.execute("BEGIN TRANSACTION")
    try:
        conn.execute(f"DELETE FROM raw.smart_pole_readings WHERE {in_days}")
        conn.execute(f"DELETE FROM raw.smart_pole_rejects WHERE {in_days}")
        for table in parsed:
            conn.execute(
                f"""INSERT INTO raw.smart_pole_readings
                SELECT {_PARTITION_DAY}, device_id, ts, metric, value, unit, vendor_format,
                       {source}, source_line
                FROM {table} WHERE reject_reason IS NULL"""
            )
            conn.execute(
                f"""INSERT INTO raw.smart_pole_rejects
                SELECT {_PARTITION_DAY}, vendor_format, {source}, source_line, field, raw_value,
                       reject_reason, concat_ws('; ', 'device=' || device_id, 'time=' || ts_text)
                FROM {table} WHERE reject_reason IS NOT NULL"""
            )
        for fmt, path, message in unreadable:
            conn.execute(
                "INSERT INTO raw.smart_pole_rejects VALUES (?, ?, ?, 0, NULL, NULL, 'bad_file', ?)",
                [date.fromisoformat(path.parent.name), fmt,
                 str(path.relative_to(copies if path.is_relative_to(copies) else landing)), message],
            )
        conn.execute("COMMIT")
    except Exception:
        conn.execute("ROLLBACK")
        raise
    finally:
        for table in parsed:
            conn.execute(f"DROP TABLE IF EXISTS {table}")
    readings = conn.execute(f"SELECT count(*) FROM raw.smart_pole_readings WHERE {in_days}").fetchone()[0]
    rejects = dict(conn.execute(
        f"SELECT reason, count(*) FROM raw.smart_pole_rejects WHERE {in_days} GROUP BY reason ORDER BY reason"
    ).fetchall())
    return LoadStats(days=tuple(d.isoformat() for d in days), files=file_counts, readings=int(readings), rejects=rejects)
