"""The platform's own catalogue as rows of オープンデータ一覧 (open-data-list).

A municipality publishes an open-data list of its datasets; the platform does the same for
everything it publishes, from the same declarations the publish step reads (each dbt
model's ``meta.tdpf``), so the list can never disagree with the catalogue. No dates from
the release store go in: the list must be identical when nothing changed, or every rebuild
would publish a new version of it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

import duckdb

from catalog_api.release_contract import PublicUrls
from pipelines.standard.spec import StandardSet
from pipelines.standard.tables import LINEAGE_COLUMNS, PLATFORM_CATALOGUE, SCHEMA
from pipelines.warehouse import insert_rows, transaction

PLATFORM_CODE = "130001"
PLATFORM_NAME = "東京都"
CONTACT = "東京都デジタルサービス局"
LICENCE = "CC BY 4.0"
DEFAULT_BASE_URL = "http://127.0.0.1:8000"
#: File formats a release offers, and whether a dataset has them.
FORMATS = (("data.csv", "CSV"), ("data.parquet", "Parquet"), ("data.geojson", "GeoJSON"))


def base_url() -> str:
    """Where the catalogue API is reachable (``TDPF_BASE_URL``), for the list's absolute URLs."""
    return os.environ.get("TDPF_BASE_URL", DEFAULT_BASE_URL).rstrip("/")


def catalogue_rows(models: Iterable[Mapping[str, Any]], standard: StandardSet, url: str) -> list[dict[str, str]]:
    """One row per published file of every dataset (the sheet's one-row-per-file layout).

    URLs come from the release contract's templates under ``url``, the same ones the API's routes
    and links are built from, so a link in the list always reaches the API.
    """
    urls = PublicUrls(url)
    rows = []
    for node in sorted(models, key=lambda n: n["meta"]["tdpf"]["dataset_id"]):
        tdpf = node["meta"]["tdpf"]
        dataset_id = tdpf["dataset_id"]
        conforms = tdpf.get("standard", {}).get("name", "")
        for filename, label in FORMATS:
            if filename == "data.geojson" and not tdpf.get("geometry"):
                continue
            row = {
                "データセット_ID": dataset_id,
                "全国地方公共団体コード": PLATFORM_CODE,
                "地方公共団体名": PLATFORM_NAME,
                "データセット_タイトル": tdpf["title"],
                "データセット_概要": node.get("description", ""),
                "データセット_キーワード": ";".join(tdpf.get("keywords", [])),
                "データセット_言語": "ja",
                "データセット_URL": urls.dataset_page(dataset_id),
                "データセット_準拠する標準": conforms,
                "データセット_連絡先名称": CONTACT,
                "ファイル_タイトル": f"{dataset_id}/{filename}",
                "ファイル_アクセスURL": urls.dataset_page(dataset_id),
                "ファイル_ダウンロードURL": urls.current_file(dataset_id, filename),
                "ファイル_説明": f"{tdpf['title']}（{label}）",
                "ファイル形式": label,
                "ファイル_ライセンス": LICENCE,
                "ファイル_言語": "ja",
                "ファイル_準拠する標準": conforms,
                "ファイル_API対応有無": "有",
            }
            unknown = set(row) - set(standard.column_names)
            if unknown:
                raise ValueError(f"open-data-list has no column(s) {sorted(unknown)}; see standard_datasets.yaml")
            rows.append({name: row.get(name, "") for name in standard.column_names})
    return rows


def write_platform_catalogue(conn: duckdb.DuckDBPyConnection, standard: StandardSet,
                             rows: list[dict[str, str]]) -> None:
    """Replace ``raw.platform_catalogue`` (the register columns: lineage + the set's columns, as text)."""
    columns = [*LINEAGE_COLUMNS, *((c.name, "VARCHAR") for c in standard.columns)]
    ddl = ", ".join(f'"{name}" {sql_type}' for name, sql_type in columns)
    values = [(PLATFORM_CODE, "platform-catalogue", "dbt manifest", i + 1,
               *(row[c.name] or None for c in standard.columns)) for i, row in enumerate(rows)]
    with transaction(conn):
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        conn.execute(f"CREATE OR REPLACE TABLE {SCHEMA}.{PLATFORM_CATALOGUE} ({ddl})")
        insert_rows(conn, f"{SCHEMA}.{PLATFORM_CATALOGUE}", values)
