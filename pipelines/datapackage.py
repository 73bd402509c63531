"""A Frictionless Data Package (``datapackage.json``) for each release, beside its files.

Why: Frictionless tools (``frictionless validate``, and the libraries that read packages in R,
JavaScript and Python) then read the CSV with the right types, encoding and dialect, and check it.
Names are lowercase ASCII (the dataset id, ``data``); the Japanese goes in ``title``; the field
names are the CSV's own headers. Constraints come from the dbt tests (``not_null``,
``accepted_values``, ``valid_lg_code``, ``unique``, ``unique_combination`` for the primary key), and
each is declared only when the published rows meet it: a gate lets ``warn`` failures through, and a
package must describe the file it travels with, not the rules the file should have met.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb

from catalog_api.sql import quote_ident

#: DuckDB's types as Table Schema's.
FIELD_TYPES = {"VARCHAR": "string", "INTEGER": "integer", "BIGINT": "integer", "SMALLINT": "integer",
               "TINYINT": "integer", "HUGEINT": "integer", "DOUBLE": "number", "FLOAT": "number", "DATE": "date",
               "TIMESTAMP": "datetime", "BOOLEAN": "boolean", "TIME": "time"}
LG_CODE_PATTERN = "[0-9]{6}"


def write_datapackage(path: Path, node: Mapping[str, Any], tests: Sequence[Mapping[str, Any]],
                      conn: duckdb.DuckDBPyConnection, relation: str, metadata: Mapping[str, Any]) -> Path:
    """``datapackage.json`` at ``path`` for the rows of ``relation`` as ``data.csv`` holds them."""
    package = datapackage(node, tests, conn, relation, metadata)
    path.write_text(json.dumps(package, ensure_ascii=False, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return path


def datapackage(node: Mapping[str, Any], tests: Sequence[Mapping[str, Any]], conn: duckdb.DuckDBPyConnection,
                relation: str, metadata: Mapping[str, Any]) -> dict[str, Any]:
    tdpf = node["meta"]["tdpf"]
    types = {str(r[0]): str(r[1]).upper() for r in conn.execute(f"DESCRIBE {relation}").fetchall()}
    docs = node.get("columns", {})
    constraints = _constraints(tests, types, conn, relation)
    fields = []
    for name, sql_type in types.items():
        field: dict[str, Any] = {"name": name, "type": FIELD_TYPES.get(sql_type.split("(")[0], "string")}
        if docs.get(name, {}).get("description"):
            field["description"] = docs[name]["description"]
        if constraints.get(name):
            field["constraints"] = constraints[name]
        fields.append(field)
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    key = _primary_key(tests, types, conn, relation)
    if key:
        schema["primaryKey"] = key
    licence = metadata.get("license") or {}
    package: dict[str, Any] = {
        "profile": "tabular-data-package", "name": str(tdpf["dataset_id"]), "title": str(tdpf["title"]),
        "description": str(metadata.get("description") or tdpf["title"]),
        "keywords": [str(k) for k in metadata.get("keywords") or []],
        "resources": [{
            "profile": "tabular-data-resource", "name": "data", "path": "data.csv", "title": str(tdpf["title"]),
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8-sig",
            "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"', "doubleQuote": True,
                        "header": True},
            "schema": schema,
        }],
    }
    if licence.get("id"):
        package["licenses"] = [{k: v for k, v in (("name", licence["id"]), ("path", licence.get("url")),
                                                  ("title", licence.get("title"))) if v}]
    if metadata.get("title_en"):
        package["title_en"] = metadata["title_en"]  # a custom property: Table Schema allows them
    return package


def _constraints(tests: Sequence[Mapping[str, Any]], types: Mapping[str, str], conn: duckdb.DuckDBPyConnection,
                 relation: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for test in tests:
        meta = test.get("test_metadata") or {}
        column = str(test.get("column_name") or "").strip('"')
        if column not in types:
            continue
        kind, kwargs = meta.get("name"), meta.get("kwargs") or {}
        ident = quote_ident(column)
        if kind == "not_null" and _holds(conn, f"SELECT count(*) FROM {relation} WHERE {ident} IS NULL"):
            found.setdefault(column, {})["required"] = True
        elif kind == "unique" and _holds(conn, f"SELECT count({ident}) - count(DISTINCT {ident}) FROM {relation}"):
            found.setdefault(column, {})["unique"] = True
        elif kind == "accepted_values" and types[column] == "VARCHAR":
            values = [str(v) for v in kwargs.get("values") or []]
            if values and _holds(conn, f"SELECT count(*) FROM {relation} WHERE {ident} IS NOT NULL AND {ident} "
                                       f"NOT IN (SELECT unnest(?::VARCHAR[]))", [values]):
                found.setdefault(column, {})["enum"] = values
        elif kind == "valid_lg_code" and types[column] == "VARCHAR" and _holds(
                conn, f"SELECT count(*) FROM {relation} WHERE NOT regexp_full_match({ident}, ?)", [LG_CODE_PATTERN]):
            found.setdefault(column, {})["pattern"] = LG_CODE_PATTERN
    return found


def _primary_key(tests: Sequence[Mapping[str, Any]], types: Mapping[str, str], conn: duckdb.DuckDBPyConnection,
                 relation: str) -> list[str]:
    """The ``unique_combination`` columns, when no row has a blank in them and no two rows share them."""
    for test in tests:
        meta = test.get("test_metadata") or {}
        if meta.get("name") != "unique_combination":
            continue
        columns = [str(c).strip('"') for c in (meta.get("kwargs") or {}).get("columns") or []]
        if not columns or any(c not in types for c in columns):
            continue
        idents = ", ".join(quote_ident(c) for c in columns)
        blanks = " OR ".join(f"{quote_ident(c)} IS NULL" for c in columns)
        if _holds(conn, f"SELECT count(*) FROM {relation} WHERE {blanks}") and _holds(
                conn, f"SELECT count(*) - count(DISTINCT row({idents})) FROM {relation}"):
            return columns
    return []


def _holds(conn: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> bool:
    """Whether a count of the rows that break a rule is zero."""
    return conn.execute(sql, list(params)).fetchone()[0] == 0
