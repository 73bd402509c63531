"""The release contract: typed records that round-trip byte for byte, and one URL layout for everyone.

The pipeline writes metadata.json and attempt.json through ``catalog_api.release_contract`` and the
API reads them through it; the content hash covers the metadata, so these tests pin the serialised
JSON to what the pre-contract code wrote. They also hold the URL templates to the app's routes and
to the open-data list the pipeline writes, and keep the import arrow pointing one way.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from fastapi import FastAPI

from catalog_api import release_contract, release_store
from catalog_api.app import create_app
from catalog_api.deps import CatalogueUrls
from catalog_api.release_contract import (
    AttemptRecord,
    ContractError,
    Paths,
    PublicUrls,
    QualitySummary,
    ReleaseDocument,
    ReleaseMetadata,
)
from catalog_api.release_store import Attachments, ReleaseStore, compute_content_hash
from catalog_api.settings import Settings
from tests.conftest import REPO

FAILURE = {
    "check": "in_japan_latitude", "engine": "great_expectations", "severity": "warn", "column": "緯度",
    "expectation": "expect_column_values_to_be_between", "unexpected_count": 2, "sample": [139.7, "x", None],
    "partitions": ["131041"], "notes": "日本の範囲内",
}
QUALITY = {
    "status": "warned", "checked_at": "2026-12-01T20:26:10Z", "checks_passed": 20, "checks_failed": 0,
    "checks_warned": 1, "engines": ["dbt", "great_expectations"], "report": "quality.html", "failures": [FAILURE],
}
#: A metadata.json as the current pipeline writes it for a standard set (abridged, same shapes).
METADATA_JSON = {
    "title": "AED設置箇所一覧", "title_en": "AED locations",
    "description": "AED設置箇所一覧（自治体標準オープンデータセット）。", "description_en": "AED locations.",
    "publisher": "東京都デジタルサービス局", "publisher_en": "Tokyo Metropolitan Government, Digital Service Bureau",
    "license": {"id": "CC-BY-4.0", "title": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/deed.ja"},
    "keywords": ["自治体標準オープンデータセット", "AED設置箇所一覧"],
    "source": {"title": "登録簿", "title_en": "Registers", "landing_folder": "landing/municipal"},
    "columns": [{"name": "全国地方公共団体コード", "type": "VARCHAR", "description": "団体コード",
                 "description_en": "Local government code"}],
    "row_count": 386,
    "csv": {"encoding": "UTF-8 with BOM", "line_terminator": "CRLF", "header": True},
    "dbt_model": "std_aed_locations",
    "standard": {"name": "自治体標準オープンデータセット", "sheet": "08", "completeness": "COMPLETE"},
    "publishers": [{"code": "122033", "name": "千葉県市川市", "rows": 191}],
    "quality": QUALITY,
    "id": "aed-locations", "version": 2, "content_hash": "5" * 64, "created_at": "2026-12-01T20:26:21Z",
    "resources": [{"name": "data.csv", "format": "CSV", "media_type": "text/csv; charset=utf-8", "bytes": 116995,
                   "sha256": "b" * 64}],
}
ATTEMPT_JSON = {
    "dataset_id": "aed-locations", "id": "20261201T202621208592Z-bd6c1f96", "new_release": True,
    "published": True, "quality": QUALITY, "release_version": 2, "run_id": "c2a0114b-cc1b-4301-9cdc-a0fc9731b575",
}


def as_written(document: Any) -> str:
    """The bytes the release store writes for a JSON document (``_write_json_durably``)."""
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def without(document: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k not in keys}


# ----------------------------------------------------------------------------- round trips


def test_metadata_json_of_the_current_writer_round_trips_byte_for_byte() -> None:
    document = ReleaseDocument.from_json(METADATA_JSON)
    assert as_written(document.to_json()) == as_written(METADATA_JSON)
    assert document.quality.failures[0].sample == (139.7, "x", None)
    assert document.publishers[0].rows == 191 and document.resources[0].bytes == 116995


def test_attempt_json_round_trips_and_a_blocked_attempt_has_no_new_release_key() -> None:
    assert AttemptRecord.from_json(ATTEMPT_JSON).to_json() == ATTEMPT_JSON
    blocked = AttemptRecord(published=False, release_version=None, run_id="r",
                            quality=QualitySummary.from_json({**QUALITY, "status": "failed"}))
    assert set(blocked.to_json()) == {"published", "release_version", "run_id", "quality"}
    assert blocked.to_json()["release_version"] is None  # null, as the gatekeeper always wrote it


def test_content_json_leaves_the_quality_attachment_out_of_the_hashed_metadata() -> None:
    metadata = ReleaseMetadata.from_json(without(METADATA_JSON, *release_contract.STORE_KEYS))
    assert metadata.content_json() == without(METADATA_JSON, "quality", *release_contract.STORE_KEYS)
    assert metadata.attachment_json() == {"quality": QUALITY}
    assert release_store.RESERVED_METADATA_KEYS == {"id", "version", "content_hash", "created_at", "resources"}


def test_optional_fields_a_writer_leaves_out_stay_absent_instead_of_null() -> None:
    written = ReleaseMetadata(title="局の予算", row_count=3).to_json()
    assert written == {"title": "局の予算", "row_count": 3}


def test_a_release_published_through_the_store_reads_back_as_the_same_records(tmp_path: Path) -> None:
    csv = tmp_path / "data.csv"
    csv.write_bytes(b"\xef\xbb\xbfa\r\n1\r\n")
    metadata = ReleaseMetadata.from_json(without(METADATA_JSON, *release_contract.STORE_KEYS))
    release = ReleaseStore(tmp_path / "releases").publish(
        "aed-locations", {"data.csv": csv}, metadata.content_json(), Attachments(metadata.attachment_json(), {})
    ).release
    on_disk = (release.path / "metadata.json").read_text(encoding="utf-8")
    document = ReleaseDocument.from_json(json.loads(on_disk))
    assert as_written(document.to_json()) == on_disk
    assert document.resources == release.resources
    assert without(document.to_json(), *release_contract.STORE_KEYS) == metadata.to_json()
    assert release.content_hash == compute_content_hash({"data.csv": release.resources[0].sha256},
                                                        metadata.content_json())


def test_resource_is_still_importable_from_the_release_store() -> None:
    assert release_store.Resource is release_contract.Resource


# ----------------------------------------------------------------------------- compatibility


def test_a_release_without_quality_reads_as_not_checked() -> None:
    document = ReleaseMetadata.from_json({"title": "旧リリース"})
    assert document.quality.status == "not_checked"
    assert document.quality.failures == () and document.quality.checked_at is None
    assert "quality" not in document.to_json()  # nothing is invented when it is written back


def test_the_pre_gate_dbt_only_verdict_is_read_with_its_own_keys_passed_through() -> None:
    old = {"status": "passed", "checks_passed": 3, "checks_failed": 0, "checks_warned": 0,
           "checks": ["a", "b"], "engine": "dbt tests"}
    quality = ReleaseMetadata.from_json({"quality": old}).quality
    assert (quality.status, quality.checks_passed, quality.engines, quality.report) == ("passed", 3, None, None)
    assert quality.to_json() == old
    assert QualitySummary.from_json({"status": "not_checked", "checks_passed": 0, "checks_failed": 0})


def test_a_licence_given_as_a_bare_id_reads_as_a_licence_object() -> None:
    assert ReleaseMetadata.from_json({"license": "CC BY 4.0"}).license.to_json() == {"id": "CC BY 4.0"}
    assert ReleaseMetadata.from_json({"license": ""}).license is None


# ----------------------------------------------------------------------------- strictness


@pytest.mark.parametrize(
    ("record", "document"),
    [
        (ReleaseMetadata, {"row_count": "386"}),
        (ReleaseMetadata, {"row_count": True}),
        (ReleaseMetadata, {"csv": {"encoding": "UTF-8", "line_terminator": "CRLF", "header": "true"}}),
        (ReleaseMetadata, {"keywords": "防災"}),
        (ReleaseMetadata, {"columns": [{"name": "a"}]}),
        (ReleaseMetadata, {"quality": {"status": "ok"}}),
        (ReleaseMetadata, {"quality": {**QUALITY, "failures": ["junk"]}}),
        (ReleaseMetadata, {"quality": {**QUALITY, "failures": [{**FAILURE, "check": 7}]}}),
        (ReleaseMetadata, {"quality": {**QUALITY, "failures": [{**FAILURE, "severity": "fatal"}]}}),
        (ReleaseDocument, without(METADATA_JSON, "resources")),
        (AttemptRecord, without(ATTEMPT_JSON, "run_id")),
        (AttemptRecord, {**ATTEMPT_JSON, "published": "yes"}),
    ],
)
def test_values_of_the_wrong_type_or_shape_are_rejected_not_coerced(record: type, document: Any) -> None:
    with pytest.raises(ContractError, match=record.__name__):
        record.from_json(document)


def test_an_attempt_must_be_a_gate_run_that_says_what_it_published() -> None:
    with pytest.raises(ContractError, match="release_version is set exactly when"):
        AttemptRecord.from_json({**ATTEMPT_JSON, "release_version": None})
    with pytest.raises(ContractError, match="release_version is set exactly when"):
        AttemptRecord.from_json({**ATTEMPT_JSON, "published": False})
    with pytest.raises(ContractError, match="not_checked"):
        AttemptRecord.from_json({**ATTEMPT_JSON, "quality": {"status": "not_checked"}})


def test_records_are_frozen() -> None:
    quality = QualitySummary.from_json(QUALITY)
    with pytest.raises(ValueError):
        quality.status = "passed"  # type: ignore[misc]


# ----------------------------------------------------------------------------- the pipeline writes the same bytes


def _node(standard: bool) -> dict[str, Any]:
    tdpf: dict[str, Any] = {"dataset_id": "aed-locations", "title": "AED設置箇所一覧", "title_en": "AED locations",
                            "description_en": "AED locations.", "keywords": ["AED"]}
    if standard:
        tdpf["standard"] = {"name": "自治体標準オープンデータセット", "sheet": "08"}
    return {
        "name": "std_aed_locations", "description": "AED設置箇所一覧。",
        "meta": {"tdpf": tdpf, "publisher": {"name": "東京都", "name_en": "Tokyo"},
                 "source": {"title": "登録簿", "landing_folder": "landing/municipal"}},
        "columns": {"名称": {"description": "施設の名称", "meta": {"en": "Facility name"}}},
    }


def _legacy_metadata(standard: bool) -> dict[str, Any]:
    """The dict ``dataset_metadata`` built before the contract, for the same node and table."""
    from catalog_api.release_formats import CSV_DIALECT

    document = {
        "title": "AED設置箇所一覧", "title_en": "AED locations", "description": "AED設置箇所一覧。",
        "description_en": "AED locations.", "publisher": "東京都", "publisher_en": "Tokyo",
        "license": {"id": "CC-BY-4.0", "title": "CC BY 4.0 (クリエイティブ・コモンズ 表示 4.0 国際)",
                    "url": "https://creativecommons.org/licenses/by/4.0/deed.ja"},
        "keywords": ["AED"], "source": {"title": "登録簿", "landing_folder": "landing/municipal"},
        "columns": [
            {"name": "全国地方公共団体コード", "type": "VARCHAR", "description": "", "description_en": ""},
            {"name": "地方公共団体名", "type": "VARCHAR", "description": "", "description_en": ""},
            {"name": "名称", "type": "VARCHAR", "description": "施設の名称", "description_en": "Facility name"},
        ],
        "row_count": 3,
        "csv": {"encoding": "UTF-8 with BOM", "line_terminator": "CRLF", "header": True},
        "dbt_model": "std_aed_locations",
    }
    # keys added since: how formula-looking cells are written (spreadsheet-safe CSV), and the
    # coverage measured from the rows (no date column, no coordinates: only the places named)
    document["csv"]["formula_cells"] = CSV_DIALECT.formula_cells
    document["coverage"] = {"temporal": None, "spatial": {"bbox": None, "points": None, "places": [
        {"code": "122033", "name": "千葉県市川市"}, {"code": "131041", "name": "東京都新宿区"}]}}
    if standard:
        document["standard"] = {"name": "自治体標準オープンデータセット", "sheet": "08"}
        document["publishers"] = [{"code": "122033", "name": "千葉県市川市", "rows": 1},
                                  {"code": "131041", "name": "東京都新宿区", "rows": 2}]
    return document


def _verdict() -> Any:
    from pipelines.quality.gate import CheckOutcome, Verdict

    checks = (CheckOutcome("a", "great_expectations", "error", True),
              CheckOutcome("b", "great_expectations", "warn", False, column="緯度", expectation="expect_x",
                           unexpected_count=2, sample=(139.7, "x"), partitions=("131041",), notes="範囲"),
              CheckOutcome("not_null_x", "dbt", "warn", False, column="std_aed", expectation="dbt test"))
    return Verdict("aed-locations", "2026-12-01T20:26:10Z", 3, checks)


@pytest.mark.parametrize("standard", [True, False], ids=["standard-set", "other-set"])
def test_the_pipeline_writes_the_same_metadata_bytes_as_before_the_contract(standard: bool) -> None:
    from pipelines.defs.publish import dataset_metadata
    from pipelines.quality.gatekeeper import quality_of

    verdict = _verdict()
    with duckdb.connect() as conn:
        conn.execute('CREATE TABLE t ("全国地方公共団体コード" VARCHAR, "地方公共団体名" VARCHAR, "名称" VARCHAR)')
        conn.execute("INSERT INTO t VALUES ('131041', '東京都新宿区', 'A'), ('131041', '東京都新宿区', 'B'), "
                     "('122033', '千葉県市川市', 'C')")
        metadata = dataset_metadata(_node(standard), conn, "t", quality_of(verdict))
    legacy = _legacy_metadata(standard)
    assert as_written(metadata.content_json()) == as_written(legacy)
    assert compute_content_hash({}, metadata.content_json()) == compute_content_hash({}, legacy)
    assert metadata.attachment_json() == {"quality": verdict.summary()}


def test_the_gatekeeper_writes_blocked_attempts_and_staged_verdicts_through_the_types(tmp_path: Path) -> None:
    from pipelines.paths import DataHome
    from pipelines.quality.gate import CheckOutcome, Verdict
    from pipelines.quality.gatekeeper import GateTarget, record_blocked, stage_verdict, take_staged

    home = DataHome(tmp_path / "data")
    # Recording and staging need only the dataset id, so no suite is loaded.
    target = GateTarget(dataset_id="aed-locations", model="std_aed_locations", relation="t",
                        models=("std_aed_locations",), suite=None,  # type: ignore[arg-type]
                        title="AED", title_en="AED")
    failed = Verdict("aed-locations", "2026-12-01T20:26:10Z", 3, (CheckOutcome("x", "dbt", "error", False),))
    report = tmp_path / "scratch" / "quality.html"
    report.parent.mkdir()
    report.write_text("<p>report</p>", encoding="utf-8")
    attempt = record_blocked(home, target, failed, report, "run-1")
    assert attempt.document == {"published": False, "release_version": None, "run_id": "run-1",
                                "quality": failed.summary(), "id": attempt.id, "dataset_id": "aed-locations"}
    assert AttemptRecord.from_json(attempt.document).quality.status == "failed"

    (tmp_path / "scratch").mkdir()
    report.write_text("<p>report</p>", encoding="utf-8")
    verdict = _verdict()
    stage_verdict(home, target, verdict, report, "run-2")
    staged = take_staged(home, "run-2", "aed-locations")
    assert staged is not None and staged[0] == QualitySummary.from_json(verdict.summary())


def test_the_gate_summary_keeps_the_shape_it_had_before_the_contract() -> None:
    summary = _verdict().summary()
    assert summary == {
        "status": "warned", "checked_at": "2026-12-01T20:26:10Z", "checks_passed": 1, "checks_failed": 0,
        "checks_warned": 2, "engines": ["dbt", "great_expectations"], "report": "quality.html",
        "failures": [
            {"check": "b", "engine": "great_expectations", "severity": "warn", "column": "緯度",
             "expectation": "expect_x", "unexpected_count": 2, "sample": [139.7, "x"], "partitions": ["131041"],
             "notes": "範囲"},
            {"check": "not_null_x", "engine": "dbt", "severity": "warn", "column": "std_aed",
             "expectation": "dbt test", "unexpected_count": 0, "sample": [], "partitions": [], "notes": ""},
        ],
    }
    assert QualitySummary.from_json(summary).to_json() == summary


# ----------------------------------------------------------------------------- URL templates

SAMPLE_PARAMS = {"dataset_id": "aed-locations", "version": 3, "filename": "data.csv", "format": "csv",
                 "attempt_id": "20261126T024000123456Z-1a2b3c4d"}


@pytest.fixture(scope="module")
def app() -> FastAPI:
    return create_app(Settings(home=REPO / "no-such-dir"))


def _params(template: release_contract.PathTemplate) -> dict[str, Any]:
    return {name: SAMPLE_PARAMS[name] for name in template.parameters}


@pytest.mark.parametrize("template", Paths.all(), ids=lambda t: t.route_name)
def test_each_url_template_gives_the_path_of_its_api_route(
    app: FastAPI, template: release_contract.PathTemplate
) -> None:
    params = _params(template)
    expected = app.url_path_for(template.route_name, **{k: str(v) for k, v in params.items()})
    assert template.path(**params) == str(expected)


def test_every_api_route_but_healthz_is_declared_from_a_template(app: FastAPI) -> None:
    routes = {op["operationId"]: path for path, item in app.openapi()["paths"].items() for op in item.values()}
    assert {t.route_name: t.template for t in Paths.all()} == {k: v for k, v in routes.items() if k != "healthz"}


def test_catalogue_urls_are_absolute_under_the_base_url_whatever_its_trailing_slash(app: FastAPI) -> None:
    for base in ("https://data.example.jp/catalogue", "https://data.example.jp/catalogue/"):
        urls = CatalogueUrls(base, app)
        assert urls.current_file("aed-locations", "data.csv") == (
            "https://data.example.jp/catalogue/api/v1/datasets/aed-locations/data.csv")
        assert urls.dataset_page("aed-locations") == "https://data.example.jp/catalogue/datasets/aed-locations"
        assert urls.route("healthz") == "https://data.example.jp/catalogue/healthz"


def test_a_template_refuses_missing_or_unknown_parameters() -> None:
    with pytest.raises(TypeError, match="get_version_file"):
        Paths.VERSION_FILE.path(dataset_id="a", filename="data.csv")
    with pytest.raises(TypeError, match="get_dataset"):
        Paths.DATASET.path(dataset_id="a", version=1)


def test_open_data_list_rows_link_to_the_api_urls_for_the_same_base_url(app: FastAPI) -> None:
    from pipelines.standard.catalogue import catalogue_rows
    from pipelines.standard.dbt_models import OPEN_DATA_LIST
    from pipelines.standard.spec import load_spec

    base = "https://data.example.jp/tdpf"
    node = {"description": "AED", "meta": {"tdpf": {"dataset_id": "aed-locations", "title": "AED設置箇所一覧",
                                                    "geometry": {"latitude": "緯度", "longitude": "経度"}}}}
    rows = catalogue_rows([node], load_spec().get(OPEN_DATA_LIST), base)
    api = CatalogueUrls(base, app)
    page = base + str(app.url_path_for("dataset_page", dataset_id="aed-locations"))
    assert [r["ファイル_ダウンロードURL"] for r in rows] == [
        base + str(app.url_path_for("get_current_file", dataset_id="aed-locations", filename=name))
        for name in ("data.csv", "data.parquet", "data.geojson")
    ]
    assert {r["データセット_URL"] for r in rows} == {r["ファイル_アクセスURL"] for r in rows} == {page}
    assert page == api.dataset_page("aed-locations") == PublicUrls(base + "/").dataset_page("aed-locations")


# ----------------------------------------------------------------------------- import arrows


def _imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def test_catalog_api_imports_nothing_from_pipelines() -> None:
    sources = sorted((REPO / "catalog_api").rglob("*.py"))
    assert sources, "no catalog_api sources found"
    offenders = {
        str(path.relative_to(REPO)): sorted(m for m in _imported_modules(path) if m.split(".")[0] == "pipelines")
        for path in sources
    }
    assert {path: found for path, found in offenders.items() if found} == {}
