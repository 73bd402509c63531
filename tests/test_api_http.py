"""The catalogue API over real HTTP: a uvicorn subprocess serving releases built in a temp dir."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import httpx
import pytest

from catalog_api.release_store import ReleaseStore
from tests.helpers.api_server import run_api_server

pytestmark = pytest.mark.slow

# UTF-8 with BOM and CRLF, as published for Japanese Excel; codes with leading zeros stay text.
AED_CSV = (
    "\ufeff名称,郵便番号,全国地方公共団体コード\r\n"
    '"新宿区役所 本庁舎",1608484,131041\r\n'
    '"都庁, 第一本庁舎",1638001,130001\r\n'
).encode("utf-8")

AED_METADATA = {
    "title": "AED設置箇所一覧",
    "title_en": "AED locations",
    "description": "区内のAED設置箇所。",
    "publisher": "東京都",
    "license": {"id": "CC-BY-4.0", "title": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
    "row_count": 2,
    "keywords": ["防災", "救命"],
    "source": {"name": "新宿区オープンデータ", "url": "https://example.jp/aed.csv"},
    "columns": [
        {"name": "名称", "type": "VARCHAR", "description": "施設の名称"},
        {"name": "郵便番号", "type": "VARCHAR", "description": "7桁、先頭の0を保持"},
        {"name": "全国地方公共団体コード", "type": "VARCHAR", "description": "6桁の団体コード"},
    ],
}

LARGE_CSV = ("\ufeffID,名称\r\n" + "".join(f"{i},施設{i}\r\n" for i in range(3_000))).encode("utf-8")

XSS = '<script>alert("x")</script>'
PROBE_METADATA = {
    "title": f"危険なタイトル {XSS}",
    "title_en": "Evil <b>title</b>",
    "description": f"説明 {XSS}",
    "publisher": "<img src=x onerror=alert(1)>",
    "license": "CC BY 4.0",
    "row_count": 1,
    "source": {"url": "javascript:alert(1)"},
    "columns": [{"name": "<i>col</i>", "type": "VARCHAR", "description": XSS}],
}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_parquet(path: Path) -> Path:
    """A real Parquet file written by DuckDB, as the pipelines write them."""
    with duckdb.connect() as con:
        con.execute(
            f"""
            COPY (
                SELECT * FROM (VALUES ('新宿区役所 本庁舎', '1608484', '131041'),
                                      ('都庁, 第一本庁舎', '1638001', '130001'))
                    AS t("名称", "郵便番号", "全国地方公共団体コード")
            ) TO '{path}' (FORMAT parquet)
            """
        )
    return path


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("tdpf_home")
    staging = tmp_path_factory.mktemp("staging")
    store = ReleaseStore(home / "releases")

    csv = staging / "aed.csv"
    csv.write_bytes(AED_CSV)
    parquet = write_parquet(staging / "aed.parquet")
    store.publish("aed_locations", {"data.csv": csv, "data.parquet": parquet}, AED_METADATA)

    probe = staging / "probe.csv"
    probe.write_bytes(b"\xef\xbb\xbfa\r\n1\r\n")
    store.publish("xss_probe", {"data.csv": probe}, PROBE_METADATA)

    # Two versions before the server starts: version 1 must stay downloadable.
    v1 = staging / "toilets_v1.csv"
    v1.write_bytes("\ufeff名称\r\n公衆トイレA\r\n".encode("utf-8"))
    store.publish("public_toilets", {"data.csv": v1}, {"title": "公衆トイレ", "row_count": 1})
    v2 = staging / "toilets_v2.csv"
    v2.write_bytes("\ufeff名称\r\n公衆トイレA\r\n公衆トイレB\r\n".encode("utf-8"))
    store.publish("public_toilets", {"data.csv": v2}, {"title": "公衆トイレ", "row_count": 2})

    # large enough to be worth compressing; version 1 named its first 100 rows otherwise (a long diff)
    for version, csv_bytes in enumerate((LARGE_CSV.replace(",施設".encode(), ",旧施設".encode(), 100), LARGE_CSV), start=1):
        large = staging / f"large_v{version}.csv"
        large.write_bytes(csv_bytes)
        large_parquet = staging / f"large_v{version}.parquet"
        duckdb.execute(f"COPY (SELECT * FROM read_csv('{large}', all_varchar = true)) TO '{large_parquet}' "
                       "(FORMAT parquet)")
        store.publish("large_table", {"data.csv": large, "data.parquet": large_parquet},
                      {"title": "大きな表", "row_count": 3_000})
    return home


@pytest.fixture(scope="module")
def base_url(home: Path) -> Iterator[str]:
    with run_api_server(home) as url:
        yield url


def assert_error_shape(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"ok", "status", "error"}
    assert body["ok"] is False
    assert body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    return body


# ----------------------------------------------------------------------------- JSON catalogue


def test_healthz_reports_ok_and_dataset_count(client: httpx.Client, home: Path) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"ok": True, "datasets": len(ReleaseStore(home / "releases").list_current())}


def test_list_datasets_returns_current_release_of_each_sorted_by_id(client: httpx.Client) -> None:
    body = client.get("/api/v1/datasets").json()
    ids = [d["id"] for d in body["results"]]
    assert body["count"] == len(ids)
    assert ids == sorted(ids)
    assert {"aed_locations", "public_toilets", "xss_probe"} <= set(ids)
    toilets = next(d for d in body["results"] if d["id"] == "public_toilets")
    assert toilets["version"] == 2


def test_get_dataset_has_guaranteed_fields_and_metadata_passthrough(client: httpx.Client) -> None:
    response = client.get("/api/v1/datasets/aed_locations")
    assert response.status_code == 200
    d = response.json()
    assert d["id"] == "aed_locations"
    assert d["title"] == "AED設置箇所一覧"
    assert d["title_en"] == "AED locations"
    assert d["publisher"] == "東京都"
    assert d["license"] == AED_METADATA["license"]
    assert d["version"] == 1
    assert len(d["content_hash"]) == 64
    assert d["row_count"] == 2
    assert d["updated_at"] == d["created_at"] and d["updated_at"].endswith("Z")
    # passthrough of everything else in metadata.json
    assert d["columns"] == AED_METADATA["columns"]
    assert d["source"] == AED_METADATA["source"]
    assert [r["name"] for r in d["resources"]] == ["data.csv", "data.parquet"]
    assert set(d["resources"][0]) == {"name", "format", "media_type", "url", "bytes", "sha256"}
    assert d["links"]["self"].endswith("/api/v1/datasets/aed_locations")
    assert d["links"]["versions"].endswith("/api/v1/datasets/aed_locations/versions")


def test_dataset_without_optional_metadata_still_has_guaranteed_fields_as_null(client: httpx.Client) -> None:
    d = client.get("/api/v1/datasets/public_toilets").json()
    assert d["title_en"] is None and d["publisher"] is None and d["license"] is None
    assert d["title"] == "公衆トイレ"


def test_resource_urls_are_absolute_versioned_and_download_the_recorded_bytes(
    client: httpx.Client, base_url: str
) -> None:
    d = client.get("/api/v1/datasets/aed_locations").json()
    for resource in d["resources"]:
        assert resource["url"] == f"{base_url}/api/v1/datasets/aed_locations/versions/1/{resource['name']}"
        response = httpx.get(resource["url"])  # a fresh client: the URL alone is enough
        assert response.status_code == 200
        assert sha256(response.content) == resource["sha256"]
        assert int(response.headers["content-length"]) == resource["bytes"] == len(response.content)
        assert response.headers["content-type"] == resource["media_type"]
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"


def test_versions_are_listed_oldest_first_and_old_version_stays_downloadable(client: httpx.Client) -> None:
    body = client.get("/api/v1/datasets/public_toilets/versions").json()
    assert body["count"] == 2
    assert [v["version"] for v in body["results"]] == [1, 2]
    assert [v["current"] for v in body["results"]] == [False, True]
    assert set(body["results"][0]) == {"version", "content_hash", "created_at", "row_count", "quality_status",
                                       "current", "url"}
    assert [(v["row_count"], v["quality_status"]) for v in body["results"]] == [(1, "not_checked"), (2, "not_checked")]
    old = httpx.get(body["results"][0]["url"]).json()
    assert old["version"] == 1 and old["row_count"] == 1
    old_csv = client.get("/api/v1/datasets/public_toilets/versions/1/data.csv")
    assert old_csv.content == "\ufeff名称\r\n公衆トイレA\r\n".encode("utf-8")
    current_csv = client.get("/api/v1/datasets/public_toilets/data.csv")
    assert current_csv.content == "\ufeff名称\r\n公衆トイレA\r\n公衆トイレB\r\n".encode("utf-8")


def test_new_release_is_served_without_restarting_the_server(
    client: httpx.Client, home: Path, tmp_path: Path
) -> None:
    store = ReleaseStore(home / "releases")
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_bytes(b"\xef\xbb\xbfn\r\n1\r\n")
    second.write_bytes(b"\xef\xbb\xbfn\r\n2\r\n")
    store.publish("live_updates", {"data.csv": first}, {"title": "更新テスト"})
    assert client.get("/api/v1/datasets/live_updates").json()["version"] == 1

    store.publish("live_updates", {"data.csv": second}, {"title": "更新テスト"})
    assert client.get("/api/v1/datasets/live_updates").json()["version"] == 2
    assert client.get("/api/v1/datasets/live_updates/data.csv").content == second.read_bytes()
    assert client.get("/api/v1/datasets/live_updates/versions/1/data.csv").content == first.read_bytes()


# ----------------------------------------------------------------------------- file downloads


def test_csv_is_served_byte_for_byte_with_bom_and_csv_content_type(client: httpx.Client) -> None:
    response = client.get("/api/v1/datasets/aed_locations/data.csv")
    assert response.status_code == 200
    assert response.content == AED_CSV
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-length"] == str(len(AED_CSV))
    assert response.headers["cache-control"] == "public, max-age=60"


def test_parquet_is_served_with_parquet_content_type_and_reads_back_in_duckdb(
    client: httpx.Client, tmp_path: Path
) -> None:
    response = client.get("/api/v1/datasets/aed_locations/data.parquet")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.apache.parquet"
    assert response.content[:4] == b"PAR1"
    downloaded = tmp_path / "downloaded.parquet"
    downloaded.write_bytes(response.content)
    with duckdb.connect() as con:
        rows = con.execute(f"SELECT * FROM read_parquet('{downloaded}') ORDER BY 3").fetchall()
    assert rows == [("都庁, 第一本庁舎", "1638001", "130001"), ("新宿区役所 本庁舎", "1608484", "131041")]


def test_etag_is_the_file_sha256_and_if_none_match_gives_304(client: httpx.Client) -> None:
    url = "/api/v1/datasets/aed_locations/data.csv"
    etag = client.get(url).headers["etag"]
    assert etag == f'"{sha256(AED_CSV)}"'

    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        cached = client.get(url, headers={"If-None-Match": header})
        assert cached.status_code == 304, header
        assert cached.content == b""
        assert cached.headers["etag"] == etag
        assert cached.headers["cache-control"] == "public, max-age=60"

    stale = client.get(url, headers={"If-None-Match": '"0000"'})
    assert stale.status_code == 200
    assert stale.content == AED_CSV


def test_versioned_file_304_keeps_immutable_cache_control(client: httpx.Client) -> None:
    url = "/api/v1/datasets/aed_locations/versions/1/data.parquet"
    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.headers["cache-control"] == "public, max-age=31536000, immutable"


def test_metadata_json_is_served_with_its_own_etag(client: httpx.Client, home: Path) -> None:
    response = client.get("/api/v1/datasets/aed_locations/metadata.json", headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["etag"] == f'"{sha256(response.content)}"'  # uncompressed: the file's own tag
    on_disk = ReleaseStore(home / "releases").current("aed_locations").path / "metadata.json"
    assert response.content == on_disk.read_bytes()
    assert json.loads(response.content)["title"] == "AED設置箇所一覧"


# ----------------------------------------------------------------------------- errors


def test_unknown_dataset_gives_404_error_shape(client: httpx.Client) -> None:
    body = assert_error_shape(client.get("/api/v1/datasets/no_such_dataset"), 404)
    assert "no_such_dataset" in body["error"]
    for path in ("/versions", "/data.csv", "/versions/1", "/versions/1/data.csv"):
        assert_error_shape(client.get(f"/api/v1/datasets/no_such_dataset{path}"), 404)


def test_invalid_dataset_id_gives_404_not_500(client: httpx.Client) -> None:
    assert_error_shape(client.get("/api/v1/datasets/UPPER_case"), 404)
    page = client.get("/datasets/UPPER_case")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")  # a page: HTML


def test_path_traversal_attempts_give_404(client: httpx.Client) -> None:
    for path in (
        "/api/v1/datasets/..%2F..%2Fetc/passwd",
        "/api/v1/datasets/aed_locations/..%2Findex.json",
        "/api/v1/datasets/aed_locations/versions/1/..%2F..%2Findex.json",
        "/api/v1/datasets/aed_locations/index.json",
    ):
        assert_error_shape(client.get(path), 404)


def test_unknown_version_and_unknown_file_give_404(client: httpx.Client) -> None:
    assert_error_shape(client.get("/api/v1/datasets/aed_locations/versions/99"), 404)
    assert_error_shape(client.get("/api/v1/datasets/aed_locations/versions/99/data.csv"), 404)
    assert_error_shape(client.get("/api/v1/datasets/aed_locations/data.xlsx"), 404)
    assert_error_shape(client.get("/api/v1/datasets/xss_probe/data.parquet"), 404)


def test_unknown_route_gives_404_error_shape(client: httpx.Client) -> None:
    assert_error_shape(client.get("/no/such/route"), 404)


def test_malformed_version_gives_422_error_shape(client: httpx.Client) -> None:
    body = assert_error_shape(client.get("/api/v1/datasets/aed_locations/versions/latest"), 422)
    assert "version" in body["error"]
    assert_error_shape(client.get("/api/v1/datasets/aed_locations/versions/0/data.csv"), 422)


def test_wrong_method_gives_405_error_shape_with_allow_header(client: httpx.Client) -> None:
    response = client.post("/api/v1/datasets")
    assert_error_shape(response, 405)
    assert "GET" in response.headers["allow"]


# ----------------------------------------------------------------------------- OpenAPI


def test_openapi_operation_ids_are_stable(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    operation_ids = {op["operationId"] for item in spec["paths"].values() for op in item.values()}
    assert operation_ids == {
        "healthz", "list_datasets", "get_dataset", "list_versions", "get_version",
        "get_current_file", "get_version_file", "catalogue_page", "dataset_page",
        "get_dataset_quality", "get_attempt_file", "list_records", "diff_versions", "export_data", "list_changes",
        "changes_feed", "dcat_catalogue", "dcat_catalogue_turtle", "dcat_dataset", "dcat_dataset_turtle",
        "schema_org_dataset",
    }


# ----------------------------------------------------------------------------- HTML pages


def test_catalogue_page_is_japanese_and_lists_datasets_with_download_links(
    client: httpx.Client, base_url: str
) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    html = response.text
    assert '<html lang="ja">' in html
    assert "データカタログ / Data catalogue" in html
    assert "AED設置箇所一覧" in html and "AED locations" in html
    assert f'href="{base_url}/api/v1/datasets/aed_locations/versions/1/data.csv"' in html
    assert f'href="{base_url}/datasets/aed_locations"' in html


def test_dataset_page_shows_metadata_columns_and_downloads(client: httpx.Client, base_url: str) -> None:
    response = client.get("/datasets/aed_locations")
    assert response.status_code == 200
    html = response.text
    assert "AED設置箇所一覧" in html
    assert "区内のAED設置箇所。" in html
    for column in AED_METADATA["columns"]:
        assert column["name"] in html and column["description"] in html
    assert f'href="{base_url}/api/v1/datasets/aed_locations/versions/1/data.parquet"' in html
    assert 'href="https://example.jp/aed.csv"' in html
    # metadata keys the page has no slot for are still shown
    assert "keywords" in html and "<li>防災</li>" in html


def test_pages_escape_html_in_metadata(client: httpx.Client) -> None:
    for path in ("/", "/datasets/xss_probe"):
        html = client.get(path).text
        assert "<script>alert" not in html, path
        assert "<img src=x" not in html, path
        assert "<b>title</b>" not in html, path
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html, path
    page = client.get("/datasets/xss_probe").text
    assert "<i>col</i>" not in page and "&lt;i&gt;col&lt;/i&gt;" in page
    assert 'href="javascript:' not in page


def test_dataset_page_for_unknown_dataset_gives_an_html_404(client: httpx.Client) -> None:
    response = client.get("/datasets/no_such_<b>dataset")
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    assert "ページが見つかりません" in response.text and "Page not found" in response.text
    assert "<b>" not in response.text  # the path is escaped
    assert_error_shape(client.get("/api/v1/datasets/no_such_dataset", headers={"Accept": "text/html"}), 404)


# ----------------------------------------------------------------------------- settings


def test_base_url_setting_overrides_request_host_in_links(home: Path) -> None:
    public = "https://data.example.jp/catalogue"
    with run_api_server(home, env={"TDPF_BASE_URL": public + "/"}) as url:
        d = httpx.get(f"{url}/api/v1/datasets/aed_locations").json()
    assert d["links"]["self"] == f"{public}/api/v1/datasets/aed_locations"
    assert all(r["url"].startswith(f"{public}/api/v1/datasets/aed_locations/versions/1/") for r in d["resources"])


def test_server_with_empty_home_starts_and_lists_nothing(tmp_path: Path) -> None:
    with run_api_server(tmp_path / "empty") as url:
        assert httpx.get(f"{url}/healthz").json() == {"ok": True, "datasets": 0}
        listed = httpx.get(f"{url}/api/v1/datasets").json()
        assert (listed["count"], listed["results"], listed["next"]) == (0, [], None)
        assert all(values == [] for values in listed["facets"].values())
        assert httpx.get(f"{url}/").status_code == 200
    assert not (tmp_path / "empty").exists(), "a read-only API must not create the data directory"


def test_missing_release_file_gives_500_error_shape_not_a_traceback(tmp_path: Path) -> None:
    home = tmp_path / "home"
    source = tmp_path / "x.csv"
    source.write_bytes(b"\xef\xbb\xbfa\r\n1\r\n")
    release = ReleaseStore(home / "releases").publish("broken", {"data.csv": source}, {"title": "壊れた"}).release
    with run_api_server(home) as url:
        (release.path / "data.csv").unlink()  # an operator deleted a file by hand
        response = httpx.get(f"{url}/api/v1/datasets/broken/data.csv")
    body = assert_error_shape(response, 500)
    assert body["error"] == "internal server error"
    assert "Traceback" not in response.text


def test_release_breaking_the_contract_gives_500_error_shape_not_nulled_fields(tmp_path: Path) -> None:
    """Reading is strict: a row count that is text is a broken release, not a dataset with a null count."""
    home = tmp_path / "home"
    source = tmp_path / "x.csv"
    source.write_bytes(b"\xef\xbb\xbfa\r\n1\r\n")
    ReleaseStore(home / "releases").publish("broken", {"data.csv": source}, {"title": "壊れた", "row_count": "1"})
    with run_api_server(home) as url:
        response = httpx.get(f"{url}/api/v1/datasets/broken")
        csv = httpx.get(f"{url}/api/v1/datasets/broken/data.csv")
    body = assert_error_shape(response, 500)
    assert body["error"] == "internal server error"
    assert csv.status_code == 200  # the files themselves are still served


def test_settings_resolve_home_against_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from catalog_api.settings import Settings

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TDPF_HOME", raising=False)
    monkeypatch.delenv("TDPF_BASE_URL", raising=False)
    settings = Settings()
    assert settings.home == tmp_path.resolve() / "data"
    assert settings.releases_dir == tmp_path.resolve() / "data" / "releases"
    assert settings.base_url is None
    monkeypatch.setenv("TDPF_HOME", "elsewhere")
    monkeypatch.setenv("TDPF_BASE_URL", "https://data.example.jp/")
    settings = Settings()
    assert settings.home == tmp_path.resolve() / "elsewhere"
    assert settings.base_url == "https://data.example.jp"


# ----------------------------------------------------------------------------- HTTP behaviour of every route

#: One route of each family: catalogue list, dataset, versions, quality, a file, a versioned file, records,
#: a download written on request, a filtered export, a diff, the changes (JSON, Atom), a page, health.
ROUTE_FAMILIES = ["/api/v1/datasets", "/api/v1/datasets/aed_locations", "/api/v1/datasets/public_toilets/versions",
                  "/api/v1/datasets/aed_locations/quality",
                  "/api/v1/datasets/large_table/data.csv", "/api/v1/datasets/public_toilets/versions/1/data.csv",
                  "/api/v1/datasets/aed_locations/records?limit=1", "/api/v1/datasets/aed_locations/data.json",
                  "/api/v1/datasets/aed_locations/data.csv?limit=1", "/api/v1/datasets/aed_locations/diff?from=1",
                  "/api/v1/changes", "/api/v1/changes.atom", "/", "/datasets/aed_locations", "/healthz",
                  "/api/3/action/package_show?id=aed_locations"]
#: The families whose answers are text long enough to compress, each with the parameters that make it so.
COMPRESSED = ["/api/v1/datasets", "/api/v1/datasets/large_table/data.csv", "/", "/datasets/aed_locations",
              "/api/v1/datasets/aed_locations", "/api/v1/datasets/large_table/records?limit=50",
              "/api/v1/datasets/large_table/data.json", "/api/v1/datasets/large_table/data.csv?sort=-ID",
              "/api/v1/datasets/large_table/diff?from=1", "/api/v1/changes", "/api/v1/changes.atom",
              "/api/3/action/package_show?id=large_table"]


@pytest.mark.parametrize("path", ROUTE_FAMILIES)
def test_head_is_get_without_the_body(client: httpx.Client, path: str) -> None:
    get, head = client.get(path), client.head(path)
    assert head.status_code == get.status_code == 200 and head.content == b""
    for name in ("content-type", "etag", "cache-control", "last-modified"):
        assert head.headers.get(name) == get.headers.get(name), name
    assert head.headers.get("content-length") in (None, get.headers.get("content-length"))


@pytest.mark.parametrize("path", ROUTE_FAMILIES)
def test_any_origin_may_read_and_preflight_is_answered(client: httpx.Client, path: str) -> None:
    origin = {"Origin": "https://hackathon.example"}
    assert client.get(path, headers=origin).headers["access-control-allow-origin"] == "*"
    assert "etag" in client.get(path, headers=origin).headers["access-control-expose-headers"].lower()
    preflight = client.options(path, headers={**origin, "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 200 and "GET" in preflight.headers["access-control-allow-methods"]


@pytest.mark.parametrize("path", COMPRESSED)
def test_text_is_gzipped_when_asked_with_its_own_etag(client: httpx.Client, path: str) -> None:
    plain = client.get(path, headers={"Accept-Encoding": "identity"})
    packed = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert len(plain.content) >= 1000, "too short to be compressed: choose a longer answer"
    assert "content-encoding" not in plain.headers and packed.headers["content-encoding"] == "gzip"
    assert packed.content == plain.content  # httpx decodes: the same bytes
    assert int(packed.headers["content-length"] if "content-length" in packed.headers else 0) < len(plain.content)
    assert "accept-encoding" in packed.headers["vary"].lower()
    if "etag" not in plain.headers:  # a body written as it is sent (records, diffs, exports): no validator
        return
    assert packed.headers["etag"] == plain.headers["etag"][:-1] + '-gzip"'
    # either validator revalidates
    for etag in (plain.headers["etag"], packed.headers["etag"]):
        assert client.get(path, headers={"If-None-Match": etag, "Accept-Encoding": "gzip"}).status_code == 304


def test_gzipped_csv_is_byte_for_byte_the_release_file(client: httpx.Client) -> None:
    import gzip

    with client.stream("GET", "/api/v1/datasets/large_table/data.csv", headers={"Accept-Encoding": "gzip"}) as r:
        raw = b"".join(r.iter_raw())
    assert gzip.decompress(raw) == LARGE_CSV


@pytest.mark.parametrize("path", ["/api/v1/datasets", "/api/v1/datasets/aed_locations",
                                  "/api/v1/datasets/public_toilets/versions"])
def test_json_lists_and_objects_have_validators_and_answer_304(client: httpx.Client, path: str) -> None:
    first = client.get(path)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert etag.startswith('"') and first.headers["cache-control"] == "public, max-age=60"
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(path, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status_code == 200
    assert client.get(path, headers={"If-Modified-Since": "not a date"}).status_code == 200
    assert client.get(path, headers={"If-None-Match": '"other"', "If-Modified-Since": modified}).status_code == 200


def test_a_malformed_range_header_is_ignored(client: httpx.Client) -> None:
    for bad in ("bytes=abc", "lines=1-2", "bytes=5-1", "bytes="):
        response = client.get("/api/v1/datasets/large_table/data.csv", headers={"Range": bad})
        assert response.status_code == 200 and response.content == LARGE_CSV, bad
    part = client.get("/api/v1/datasets/large_table/data.csv", headers={"Range": "bytes=0-9"})
    assert part.status_code == 206 and part.content == LARGE_CSV[:10]


def test_links_never_come_from_an_untrusted_host_header(client: httpx.Client) -> None:
    evil = client.get("/api/v1/datasets/aed_locations", headers={"Host": "evil.example"}).json()
    assert "evil.example" not in json.dumps(evil)
    assert evil["links"]["self"] == "http://127.0.0.1:8000/api/v1/datasets/aed_locations"  # the server's own address
    local = client.get("/api/v1/datasets/aed_locations").json()
    assert local["links"]["self"].startswith(str(client.base_url).rstrip("/"))  # 127.0.0.1 is trusted


def test_interactive_docs_work_offline(client: httpx.Client) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and "cdn" not in page.text.lower()
    scripts = [part.split(chr(34))[0] for part in page.text.split('src="')[1:]]
    assert scripts and all(client.get(src).status_code == 200 for src in scripts)
    assert client.get("/redoc").status_code == 200 and "cdn" not in client.get("/redoc").text.lower()


# ----------------------------------------------------------------------------- schema.org


def _embedded(page: str) -> list[str]:
    return re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, flags=re.S)


def test_a_dataset_is_a_schema_org_dataset_and_its_page_embeds_the_same(client: httpx.Client) -> None:
    document = client.get("/api/v1/datasets/aed_locations/schema.org.jsonld").json()
    assert document["@context"] == "https://schema.org/" and document["@type"] == "Dataset"
    assert document["name"] == AED_METADATA["title"] and document["alternateName"] == AED_METADATA["title_en"]
    assert document["license"] == AED_METADATA["license"]["url"]
    assert document["creator"] == {"@type": "Organization", "name": AED_METADATA["publisher"]}
    dataset = client.get("/api/v1/datasets/aed_locations").json()
    assert [d["contentUrl"] for d in document["distribution"]] == [r["url"] for r in dataset["resources"]]
    assert document["variableMeasured"] == [c["name"] for c in AED_METADATA["columns"]]
    (embedded,) = _embedded(client.get("/datasets/aed_locations").text)
    assert json.loads(embedded) == document


def test_the_embedded_json_ld_cannot_close_its_script(client: httpx.Client) -> None:
    (embedded,) = _embedded(client.get("/datasets/xss_probe").text)
    assert "<" not in embedded and json.loads(embedded)["name"] == PROBE_METADATA["title"]
