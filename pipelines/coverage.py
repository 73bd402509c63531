"""A release's coverage in time and space, measured from its rows when it is published.

Catalogues answer "which years, which area?" before anyone downloads a file (DCAT's
``dct:temporal`` and ``dct:spatial``, CKAN's spatial and temporal extensions). Measuring it from
the rows at publish time keeps it true for that release, and immutable with it; declaring it by
hand would drift from the data the first time a register grows a year.

What is measured comes from the dbt model's ``meta``:

* ``tdpf.temporal: {column, unit}`` names the column that dates the rows (``unit`` ``day`` for a
  DATE or TIMESTAMP, ``fiscal_year`` for a Japanese fiscal year given as its starting year);
* ``tdpf.geometry: {latitude, longitude}`` (already there for GeoJSON) gives the bounding box;
* the places are the set's own publishers when its rows name them (全国地方公共団体コード with
  地方公共団体名, as every standard set does), else the ``area`` the model's folder declares
  (``dbt_project.yml``: the bureau's figures cover 東京都, the smart poles 新宿区).
"""

from __future__ import annotations

from typing import Any

import duckdb

from catalog_api.release_contract import Coverage, Place, SpatialCoverage, TemporalCoverage
from catalog_api.sql import quote_ident

#: Decimal places kept of a bounding box: about 0.1 m, and stable across float printing.
BBOX_DECIMALS = 6
DAY_TYPES = ("DATE", "TIMESTAMP")
YEAR_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER")
CODE_COLUMN, NAME_COLUMN = "全国地方公共団体コード", "地方公共団体名"


class CoverageError(ValueError):
    """A model's coverage declaration does not fit its columns (the message names model and column)."""


def dataset_coverage(conn: duckdb.DuckDBPyConnection, relation: str, node: dict[str, Any],
                     types: dict[str, str]) -> Coverage:
    """Coverage of the rows of ``relation`` (the model ``node`` published), both parts optional."""
    meta = node.get("meta", {})
    tdpf = meta.get("tdpf", {})
    temporal = _temporal(conn, relation, node["name"], tdpf.get("temporal"), types)
    spatial = _spatial(conn, relation, tdpf.get("geometry"), meta.get("area", ()), types)
    return Coverage(temporal=temporal, spatial=spatial)


def _temporal(conn: duckdb.DuckDBPyConnection, relation: str, model: str, declared: dict[str, str] | None,
              types: dict[str, str]) -> TemporalCoverage | None:
    if not declared:
        return None
    column, unit = declared.get("column"), declared.get("unit", "day")
    sql_type = types.get(column or "")
    wanted = {"day": DAY_TYPES, "fiscal_year": YEAR_TYPES}.get(unit)
    if wanted is None:
        raise CoverageError(f"model {model}: meta.tdpf.temporal.unit must be 'day' or 'fiscal_year', not {unit!r}")
    if sql_type is None or not sql_type.startswith(wanted):
        raise CoverageError(f"model {model}: meta.tdpf.temporal.column {column!r} must be a column of type "
                            f"{' or '.join(wanted)} for unit {unit!r}; found {sql_type or 'no such column'}")
    first, last = conn.execute(f"SELECT min({quote_ident(column)}), max({quote_ident(column)}) "
                               f"FROM {relation}").fetchone()
    if first is None:
        return None
    if unit == "fiscal_year":
        start, end = f"{int(first):04d}-04-01", f"{int(last) + 1:04d}-03-31"
    else:
        start, end = str(first)[:10], str(last)[:10]
    return TemporalCoverage(start=start, end=end, column=column, unit=unit)


def _spatial(conn: duckdb.DuckDBPyConnection, relation: str, geometry: dict[str, str] | None,
             area: list[dict[str, str]] | tuple[()], types: dict[str, str]) -> SpatialCoverage | None:
    bbox, points = _bbox(conn, relation, geometry) if geometry else (None, None)
    if {CODE_COLUMN, NAME_COLUMN} <= set(types):
        places = tuple(Place(code=code, name=name) for code, name in conn.execute(
            f"SELECT {quote_ident(CODE_COLUMN)}, min({quote_ident(NAME_COLUMN)}) FROM {relation} "
            f"WHERE {quote_ident(CODE_COLUMN)} IS NOT NULL GROUP BY 1 ORDER BY 1").fetchall())
    else:
        places = tuple(Place(code=str(p["code"]), name=p.get("name")) for p in area)
    if bbox is None and not places:
        return None
    return SpatialCoverage(bbox=bbox, points=points, places=places)


def _bbox(conn: duckdb.DuckDBPyConnection, relation: str,
          geometry: dict[str, str]) -> tuple[tuple[float, float, float, float] | None, int]:
    lat = f"TRY_CAST({quote_ident(geometry['latitude'])} AS DOUBLE)"
    lon = f"TRY_CAST({quote_ident(geometry['longitude'])} AS DOUBLE)"
    row = conn.execute(f"SELECT min({lon}), min({lat}), max({lon}), max({lat}), count(*) FROM {relation} "
                       f"WHERE {lat} IS NOT NULL AND {lon} IS NOT NULL").fetchone()
    *box, points = row
    if points == 0:
        return None, 0
    return tuple(round(float(v), BBOX_DECIMALS) for v in box), int(points)  # type: ignore[return-value]
