"""How a release's rows are written as files: CSV, Parquet, GeoJSON and JSON records.

One module for both writers of these formats: the publisher, which writes a release's files once
(``pipelines/defs/publish.py``), and the API, which writes a filtered export on request
(``catalog_api/routers/exports.py``). Sharing the writers is what makes a filtered export the same
format, byte for byte, as the release file it is cut from: same BOM, line ends, quoting, formula
guard, number printing and GeoJSON layout.

Every writer takes an SQL relation (a table or a parenthesised query) and writes the rows in the
relation's own order, with the relation's parameters bound (an export's filters). DuckDB does the
formatting, so no row passes through Python. Memory stays flat: COPY streams to disk, and GeoJSON
is joined from DuckDB's one-feature-per-line output line by line.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from catalog_api.release_contract import CsvDialect
from catalog_api.sql import quote_ident as _quoted, sql_literal

UTF8_BOM = b"\xef\xbb\xbf"
#: OWASP's CSV-injection rule: a text cell starting with one of these, unless it is a number, gets
#: a leading apostrophe in data.csv (Excel shows the text, never runs it); Parquet, GeoJSON and the
#: API keep the value as published.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: How data.csv is written, stated in every release so clients need not guess.
CSV_DIALECT = CsvDialect(encoding="UTF-8 with BOM", line_terminator="CRLF", header=True,
                         formula_cells="a text cell starting with = + - @ tab or CR that is not a number "
                                       "is prefixed with ' (OWASP CSV injection)")
Params = Sequence[Any]


def write_parquet(conn: duckdb.DuckDBPyConnection, relation: str, path: Path, params: Params = ()) -> Path:
    """Typed rows, zstd-compressed (codes stay text: the contract types them VARCHAR)."""
    conn.execute(f"COPY {relation} TO {sql_literal(str(path))} (FORMAT parquet, COMPRESSION zstd)", list(params))
    return path


def write_json(conn: duckdb.DuckDBPyConnection, relation: str, path: Path, params: Params = ()) -> Path:
    """One JSON array of row objects, typed as the records API gives them (numbers, dates as ISO text)."""
    conn.execute(f"COPY {relation} TO {sql_literal(str(path))} (FORMAT json, ARRAY true)", list(params))
    return path


def write_csv(conn: duckdb.DuckDBPyConnection, relation: str, path: Path, params: Params = ()) -> Path:
    """UTF-8 with BOM (Japanese Excel then opens it as UTF-8, not Shift_JIS), CRLF, a header row."""
    body = path.with_name(path.name + ".body")
    try:
        conn.execute(f"COPY ({spreadsheet_safe(conn, relation, params)}) TO {sql_literal(str(body))} "
                     "(FORMAT csv, HEADER true, NEW_LINE '\\r\\n')", list(params))
        with path.open("wb") as dst, body.open("rb") as src:
            dst.write(UTF8_BOM)
            shutil.copyfileobj(src, dst)
    finally:
        body.unlink(missing_ok=True)
    return path


def spreadsheet_safe(conn: duckdb.DuckDBPyConnection, relation: str, params: Params = ()) -> str:
    """The rows for data.csv: every text column with formula-looking cells neutralised (FORMULA_STARTS)."""
    pattern = sql_literal("^[" + "".join(FORMULA_STARTS).replace("-", "\\-") + "]")
    columns = []
    for name, sql_type, *_ in conn.execute(f"DESCRIBE {relation}", list(params)).fetchall():
        quoted = _quoted(name)
        if sql_type == "VARCHAR":
            columns.append(f"CASE WHEN regexp_matches({quoted}, {pattern}) AND TRY_CAST({quoted} AS DOUBLE) IS NULL "
                           f"THEN {sql_literal(chr(39))} || {quoted} ELSE {quoted} END AS {quoted}")
        else:
            columns.append(quoted)
    return f"SELECT {', '.join(columns)} FROM {relation}"


def write_geojson(conn: duckdb.DuckDBPyConnection, relation: str, geometry: dict[str, str], path: Path,
                  params: Params = ()) -> Path:
    """A GeoJSON FeatureCollection of points (RFC 7946: longitude first), every column a property.

    Each feature is built by DuckDB's JSON functions from ``relation``'s rows in their order, so
    identical data gives identical bytes. DuckDB writes the features one per line
    (``COPY … (FORMAT json)``), and the collection is joined from that file line by line: constant
    memory at any size (one JSON value for the whole set took 22 GB for 875k rows).
    """
    lat, lon = _quoted(geometry["latitude"]), _quoted(geometry["longitude"])
    lines = path.with_name(path.name + ".jsonl")
    try:
        conn.execute(
            f"""COPY (SELECT json_object('type', 'Feature',
                                         'geometry', CASE WHEN TRY_CAST(r.{lat} AS DOUBLE) IS NULL
                                                               OR TRY_CAST(r.{lon} AS DOUBLE) IS NULL THEN NULL
                                                          ELSE json_object('type', 'Point', 'coordinates', json_array(
                                                              CAST(r.{lon} AS DOUBLE), CAST(r.{lat} AS DOUBLE))) END,
                                         'properties', to_json(r)) AS f
                      FROM {relation} AS r) TO {sql_literal(str(lines))} (FORMAT json)""", list(params)
        )
        prefix = len(b'{"f":')
        with path.open("wb") as out, lines.open("rb") as features:  # bytes in, bytes out, nothing to decode
            out.write(b'{"type":"FeatureCollection","features":[')
            for number, line in enumerate(features):
                if number:
                    out.write(b",")
                out.write(line.rstrip(b"\n")[prefix:-1])  # {"f":<feature>} → <feature>
            out.write(b"]}")
    finally:
        lines.unlink(missing_ok=True)
    return path
