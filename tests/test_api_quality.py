"""Quality checks in the catalogue API over real HTTP: served quality, held-back updates, attempt files.

The store is built with the real ``ReleaseStore`` (publish with attachments, recorded attempts),
served by a real uvicorn process, and everything is asserted through a socket, as a client sees it.
No headless-browser helper exists in this project, so the page is checked as HTML text.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from catalog_api.release_store import Attachments, Attempt, ReleaseStore
from tests.helpers.api_server import run_api_server

pytestmark = pytest.mark.slow

ATTEMPT_KEYS = {
    "id", "checked_at", "status", "checks_passed", "checks_failed", "checks_warned", "published",
    "release_version", "failures", "held_back_publishers", "report",
}

WARN_FAILURE = {
    "check": "postcode_has_seven_digits", "engine": "great_expectations", "severity": "warn",
    "column": "郵便番号", "unexpected_count": 2, "sample": ["160-848", ""], "partitions": [],
    "notes": "7桁でない郵便番号",
}
BLOCKING_FAILURE = {
    "check": "in_japan_latitude", "engine": "great_expectations", "severity": "error",
    "column": "latitude", "unexpected_count": 3, "sample": [139.7, 139.69, 139.71],
    "partitions": ["2026-11-03"],
    "notes": "日本の範囲内（緯度 20〜46 度）であること <script>x</script>",
}
DBT_FAILURE = {
    "check": "not_null_aed_name", "engine": "dbt", "severity": "error", "column": "std_aed",
    "unexpected_count": 1, "sample": [], "partitions": [], "notes": "",
}


def quality(status: str, checked_at: str, failures: list[dict[str, Any]], passed: int = 40,
            report: str | None = "quality.html") -> dict[str, Any]:
    """A quality object shaped as the pipeline's gate writes it."""
    return {
        "status": status, "checked_at": checked_at, "checks_passed": passed,
        "checks_failed": sum(f["severity"] == "error" for f in failures),
        "checks_warned": sum(f["severity"] == "warn" for f in failures),
        "engines": ["dbt", "great_expectations"], "report": report, "failures": failures,
    }


V1_QUALITY = quality("passed", "2026-11-24T02:40:00Z", [])
V2_QUALITY = quality("passed", "2026-11-25T02:40:00Z", [WARN_FAILURE])
HELD_QUALITY = quality("failed", "2026-11-26T02:40:00Z", [BLOCKING_FAILURE, DBT_FAILURE, WARN_FAILURE], passed=37)


class Fabricated:
    """What the module fixture built: the home directory and the attempts recorded in it."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.attempts: dict[str, Attempt] = {}
        self.reports: dict[str, bytes] = {}


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _report(staging: Path, name: str) -> tuple[Path, bytes]:
    body = f"<!doctype html><html lang=\"ja\"><body><h1>品質検査報告書 {name}</h1></body></html>".encode()
    return _write(staging / name / "quality.html", body), body


def _publish(store: ReleaseStore, staging: Path, dataset_id: str, csv: str, metadata: dict[str, Any],
             quality_object: dict[str, Any] | None, report_name: str | None = None) -> bytes | None:
    """Publish a CSV with ``quality_object`` (and a report) as attachments; return the report bytes."""
    data = _write(staging / f"{dataset_id}-{len(csv)}.csv", ("\ufeff" + csv).encode("utf-8"))
    if quality_object is None:
        store.publish(dataset_id, {"data.csv": data}, metadata)
        return None
    files, body = {}, None
    if report_name:
        path, body = _report(staging, report_name)
        files["quality.html"] = path
    result = store.publish(dataset_id, {"data.csv": data}, metadata,
                           attachments=Attachments(metadata={"quality": quality_object}, files=files))
    assert result.created
    return body


def _attempt(store: ReleaseStore, staging: Path, dataset_id: str, quality_object: dict[str, Any], *,
             published: bool, release_version: int | None, report_name: str) -> tuple[Attempt, bytes]:
    path, body = _report(staging, report_name)
    document = {"published": published, "run_id": f"run-{report_name}", "release_version": release_version,
                "quality": quality_object}
    return store.record_attempt(dataset_id, document, {"quality.html": path}), body


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Fabricated:
    home = tmp_path_factory.mktemp("quality_home")
    staging = tmp_path_factory.mktemp("quality_staging")
    store = ReleaseStore(home / "releases")
    made = Fabricated(home)

    # aed_quality: v1 passed, v2 passed with a warning, then an update the gate held back.
    meta = {"title": "AED設置箇所一覧", "title_en": "AED locations", "row_count": 1}
    made.reports["v1"] = _publish(store, staging, "aed_quality", "名称\r\nA\r\n", meta, V1_QUALITY, "v1")
    made.attempts["v1"], _ = _attempt(store, staging, "aed_quality", V1_QUALITY, published=True,
                                      release_version=1, report_name="a-v1")
    made.reports["v2"] = _publish(store, staging, "aed_quality", "名称\r\nA\r\nB\r\n", meta, V2_QUALITY, "v2")
    _attempt(store, staging, "aed_quality", V2_QUALITY, published=True, release_version=2, report_name="a-v2")
    made.attempts["held"], made.reports["held"] = _attempt(
        store, staging, "aed_quality", HELD_QUALITY, published=False, release_version=None, report_name="held")

    # clean: served and latest run both passed.
    _publish(store, staging, "clean", "n\r\n1\r\n", {"title": "問題なし"}, V1_QUALITY, "clean")
    made.attempts["clean"], _ = _attempt(store, staging, "clean", V1_QUALITY, published=True,
                                         release_version=1, report_name="a-clean")

    # only_failed: the very first update was blocked, so there is no release at all.
    made.attempts["only_failed"], made.reports["only_failed"] = _attempt(
        store, staging, "only_failed", HELD_QUALITY, published=False, release_version=None,
        report_name="only-failed")

    # legacy: published before the gate existed (no quality key at all).
    _publish(store, staging, "legacy", "n\r\n1\r\n", {"title": "旧リリース"}, None)
    # old_quality: the pre-gate dbt-only verdict (no checked_at, engines or failures; keys of its own),
    # with a report name that is no file of the release.
    old = {"status": "passed", "checks_passed": 3, "checks_failed": 0, "checks_warned": 0, "checks": ["a", "b", "c"],
           "engine": "dbt tests", "report": "missing.html"}
    _publish(store, staging, "old_quality", "n\r\n2\r\n", {"title": "旧品質"}, old)
    return made


@pytest.fixture(scope="module")
def base_url(built: Fabricated) -> Iterator[str]:
    with run_api_server(built.home) as url:
        yield url


def assert_error(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["ok"] is False and body["status"] == status and body["error"]


def attempt_url(base_url: str, dataset_id: str, attempt_id: str, name: str = "quality.html") -> str:
    return f"{base_url}/api/v1/datasets/{dataset_id}/attempts/{attempt_id}/{name}"


def held_back_section(html: str) -> str:
    """The held-back notice of a dataset page, or "" when the page has none."""
    match = re.search(r'<section class="notice" id="quality-held-back".*?</section>', html, re.S)
    return match.group(0) if match else ""


# ----------------------------------------------------------------------------- dataset JSON


def test_current_dataset_passes_quality_through_with_absolute_report_url(
    client: httpx.Client, base_url: str
) -> None:
    q = client.get("/api/v1/datasets/aed_quality").json()["quality"]
    assert q["status"] == "passed"
    assert q["checked_at"] == V2_QUALITY["checked_at"]
    assert (q["checks_passed"], q["checks_failed"], q["checks_warned"]) == (40, 0, 1)
    assert q["engines"] == ["dbt", "great_expectations"]
    assert q["report"] == f"{base_url}/api/v1/datasets/aed_quality/versions/2/quality.html"
    assert q["failures"] == [WARN_FAILURE]


def test_current_dataset_quality_has_the_held_back_latest_attempt(
    client: httpx.Client, base_url: str, built: Fabricated
) -> None:
    latest = client.get("/api/v1/datasets/aed_quality").json()["quality"]["latest_attempt"]
    held = built.attempts["held"]
    assert set(latest) == ATTEMPT_KEYS
    assert latest["id"] == held.id and re.fullmatch(r"\d{8}T\d{12}Z-[0-9a-f]{8}", held.id)
    assert latest["status"] == "failed" and latest["published"] is False
    assert latest["release_version"] is None
    assert latest["checked_at"] == HELD_QUALITY["checked_at"]
    assert (latest["checks_passed"], latest["checks_failed"], latest["checks_warned"]) == (37, 2, 1)
    assert [f["check"] for f in latest["failures"]] == ["in_japan_latitude", "not_null_aed_name",
                                                        "postcode_has_seven_digits"]
    assert latest["failures"][0]["sample"] == [139.7, 139.69, 139.71]
    assert latest["report"] == attempt_url(base_url, "aed_quality", held.id)


def test_report_urls_download_the_html_of_their_own_release_or_attempt(
    client: httpx.Client, built: Fabricated
) -> None:
    q = client.get("/api/v1/datasets/aed_quality").json()["quality"]
    v1 = client.get("/api/v1/datasets/aed_quality/versions/1").json()["quality"]
    for url, expected in ((q["report"], built.reports["v2"]), (q["latest_attempt"]["report"], built.reports["held"]),
                          (v1["report"], built.reports["v1"])):
        response = httpx.get(url)  # a fresh client: the absolute URL alone is enough
        assert response.status_code == 200, url
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert response.headers["content-security-policy"] == "sandbox"
        assert response.content == expected
    assert len({built.reports["v1"], built.reports["v2"], built.reports["held"]}) == 3


def test_old_version_shows_its_own_quality_without_latest_attempt(client: httpx.Client, base_url: str) -> None:
    q = client.get("/api/v1/datasets/aed_quality/versions/1").json()["quality"]
    assert q["checked_at"] == V1_QUALITY["checked_at"]
    assert q["failures"] == []
    assert q["report"] == f"{base_url}/api/v1/datasets/aed_quality/versions/1/quality.html"
    assert "latest_attempt" not in q


def test_list_carries_quality_and_latest_attempt_of_each_current_release(client: httpx.Client) -> None:
    results = {d["id"]: d for d in client.get("/api/v1/datasets").json()["results"]}
    assert "only_failed" not in results  # no release: not in the catalogue
    assert results["aed_quality"]["quality"]["latest_attempt"]["status"] == "failed"
    assert results["clean"]["quality"]["latest_attempt"]["published"] is True
    assert results["clean"]["quality"]["latest_attempt"]["release_version"] == 1
    assert results["legacy"]["quality"]["latest_attempt"] is None
    assert results["aed_quality"]["links"]["quality"].endswith("/api/v1/datasets/aed_quality/quality")


def test_releases_from_before_the_gate_still_serve(client: httpx.Client) -> None:
    legacy = client.get("/api/v1/datasets/legacy")
    assert legacy.status_code == 200
    assert legacy.json()["quality"] == {
        "status": "not_checked", "checked_at": None, "checks_passed": None, "checks_failed": None,
        "checks_warned": None, "engines": None, "report": None, "failures": [], "held_back_publishers": [],
        "latest_attempt": None,
    }
    old = client.get("/api/v1/datasets/old_quality").json()["quality"]
    assert old["status"] == "passed" and old["checks_passed"] == 3
    assert old["engine"] == "dbt tests" and old["checks"] == ["a", "b", "c"]  # unknown keys pass through
    assert old["checked_at"] is None and old["engines"] is None and old["failures"] == []
    assert old["report"] is None  # "missing.html" is no file of the release: no dead link
    for path in ("/", "/datasets/legacy", "/datasets/old_quality"):
        assert client.get(path).status_code == 200, path


# ----------------------------------------------------------------------------- /quality


def test_quality_endpoint_puts_served_and_latest_attempt_side_by_side(client: httpx.Client) -> None:
    body = client.get("/api/v1/datasets/aed_quality/quality").json()
    dataset_quality = client.get("/api/v1/datasets/aed_quality").json()["quality"]
    assert set(body) == {"dataset_id", "served", "latest_attempt"}
    assert body["dataset_id"] == "aed_quality"
    assert body["latest_attempt"] == dataset_quality.pop("latest_attempt")
    assert body["served"] == dataset_quality
    assert "latest_attempt" not in body["served"]


def test_quality_endpoint_answers_for_a_dataset_with_only_a_failed_attempt(
    client: httpx.Client, base_url: str, built: Fabricated
) -> None:
    body = client.get("/api/v1/datasets/only_failed/quality").json()
    attempt = built.attempts["only_failed"]
    assert body["served"] is None
    assert body["latest_attempt"]["id"] == attempt.id
    assert body["latest_attempt"]["status"] == "failed"
    assert body["latest_attempt"]["report"] == attempt_url(base_url, "only_failed", attempt.id)
    assert httpx.get(body["latest_attempt"]["report"]).content == built.reports["only_failed"]
    assert_error(client.get("/api/v1/datasets/only_failed"), 404)  # still not a published dataset


def test_quality_endpoint_for_a_release_without_attempts(client: httpx.Client) -> None:
    body = client.get("/api/v1/datasets/legacy/quality").json()
    assert body["served"]["status"] == "not_checked"
    assert body["latest_attempt"] is None


def test_quality_endpoint_404s_like_the_other_routes(client: httpx.Client) -> None:
    assert_error(client.get("/api/v1/datasets/no_such_dataset/quality"), 404)
    assert_error(client.get("/api/v1/datasets/UPPER_case/quality"), 404)
    assert client.get("/api/v1/datasets/UPPER_case").status_code == 404  # the same status as elsewhere


# ----------------------------------------------------------------------------- attempt files


def test_attempt_json_is_served_as_json_with_etag_and_immutable_cache(
    client: httpx.Client, base_url: str, built: Fabricated
) -> None:
    held = built.attempts["held"]
    response = client.get(attempt_url(base_url, "aed_quality", held.id, "attempt.json"),
                          headers={"Accept-Encoding": "identity"})  # the file's own bytes and tag
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.content == (held.path / "attempt.json").read_bytes()
    document = response.json()
    assert document["id"] == held.id and document["published"] is False
    assert document["quality"]["failures"][0]["check"] == "in_japan_latitude"
    etag = response.headers["etag"]
    assert etag == f'"{hashlib.sha256(response.content).hexdigest()}"'
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    cached = client.get(attempt_url(base_url, "aed_quality", held.id, "attempt.json"), headers={"If-None-Match": etag})
    assert cached.status_code == 304 and cached.content == b""


def test_older_attempts_stay_downloadable(client: httpx.Client, base_url: str, built: Fabricated) -> None:
    first = built.attempts["v1"]
    response = client.get(attempt_url(base_url, "aed_quality", first.id, "attempt.json"))
    assert response.status_code == 200
    assert response.json()["release_version"] == 1


def test_attempt_files_404_for_unknown_ids_names_and_paths_outside_the_attempt(
    client: httpx.Client, built: Fabricated
) -> None:
    held = built.attempts["held"].id
    other = built.attempts["clean"].id
    for path in (
        f"/api/v1/datasets/aed_quality/attempts/{held}/data.csv",
        f"/api/v1/datasets/aed_quality/attempts/{held}/quality.htm",
        "/api/v1/datasets/aed_quality/attempts/20991231T000000000000Z-00000000/quality.html",
        "/api/v1/datasets/aed_quality/attempts/LATEST/quality.html",
        "/api/v1/datasets/aed_quality/attempts/not-an-id/attempt.json",
        f"/api/v1/datasets/aed_quality/attempts/{other}/quality.html",  # another dataset's attempt
        f"/api/v1/datasets/no_such_dataset/attempts/{held}/quality.html",
        f"/api/v1/datasets/UPPER_case/attempts/{held}/quality.html",
        f"/api/v1/datasets/aed_quality/attempts/{held}/..%2F..%2F..%2Findex.json",
        f"/api/v1/datasets/aed_quality/attempts/{held}/..%2FLATEST",
        f"/api/v1/datasets/aed_quality/attempts/{held}/%2E%2E",
        f"/api/v1/datasets/aed_quality/attempts/..%2F..%2Fclean%2Fattempts%2F{other}/attempt.json",
    ):
        assert_error(client.get(path), 404)


# ----------------------------------------------------------------------------- HTML pages


def test_dataset_page_shows_the_held_back_notice_with_failing_checks(client: httpx.Client, base_url: str,
                                                                      built: Fabricated) -> None:
    html = client.get("/datasets/aed_quality").text
    notice = held_back_section(html)
    assert notice, "the held-back notice is missing"
    assert "最新の更新は品質検査で保留されました" in notice
    assert "The latest update was held back by the quality gate — the previous release is still served" in notice
    for check in ("in_japan_latitude", "not_null_aed_name"):
        assert f"<code>{check}</code>" in notice
    assert "<code>latitude</code>" in notice
    assert "139.7, 139.69, 139.71" in notice
    assert '<td class="num">3</td>' in notice
    assert f'href="{attempt_url(base_url, "aed_quality", built.attempts["held"].id)}"' in notice
    assert "v2" in notice  # says which version is still served
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in notice
    # the notice comes before the rest of the page, where it cannot be missed
    assert html.index('id="quality-held-back"') < html.index("概要")


def test_dataset_page_quality_section_shows_served_status_warnings_and_report(
    client: httpx.Client, base_url: str
) -> None:
    html = client.get("/datasets/aed_quality").text
    section = html[html.index('id="quality"'):html.index("ダウンロード")]
    assert "品質検査" in section and "Quality checks" in section
    assert "警告あり" in section and "passed with warnings" in section  # status passed, 1 warned check
    assert "合格 40 · 警告 1 · 不合格 0" in section
    assert V2_QUALITY["checked_at"] in section
    assert f'href="{base_url}/api/v1/datasets/aed_quality/versions/2/quality.html"' in section
    assert "公開中の版の警告" in section and "<code>postcode_has_seven_digits</code>" in section
    assert "160-848, &#34;&#34;" in section  # an empty failing value stays visible
    assert "in_japan_latitude" not in section  # the blocked check belongs to the notice, not the served release


def test_dataset_page_without_a_held_back_update_has_no_notice(client: httpx.Client) -> None:
    clean = client.get("/datasets/clean").text
    assert held_back_section(clean) == ""
    assert "最新の更新は品質検査で保留されました" not in clean
    assert 'badge-passed">合格' in clean and "公開済み" in clean
    legacy = client.get("/datasets/legacy").text
    assert held_back_section(legacy) == "" and "未検査" in legacy


def _index_row(html: str, dataset_id: str) -> str:
    rows = re.findall(r"<tr>.*?</tr>", html, re.S)
    return next(row for row in rows if f"/datasets/{dataset_id}\"" in row)


def test_catalogue_page_has_a_status_badge_per_dataset(client: httpx.Client) -> None:
    html = client.get("/").text
    assert "品質 <span class=\"en\">/ Quality</span>" in html
    aed, clean, legacy = (_index_row(html, d) for d in ("aed_quality", "clean", "legacy"))
    assert 'badge-warned' in aed and "更新保留" in aed and "#quality-held-back" in aed
    assert 'badge-passed' in clean and "更新保留" not in clean
    assert 'badge-not_checked' in legacy and "未検査" in legacy
    assert "only_failed" not in html


def test_a_new_attempt_shows_without_restarting_the_server(
    client: httpx.Client, built: Fabricated, tmp_path: Path
) -> None:
    store = ReleaseStore(built.home / "releases")
    _publish(store, tmp_path, "live_gate", "n\r\n1\r\n", {"title": "更新テスト"}, V1_QUALITY, "live")
    assert held_back_section(client.get("/datasets/live_gate").text) == ""
    assert client.get("/api/v1/datasets/live_gate/quality").json()["latest_attempt"] is None

    attempt, _ = _attempt(store, tmp_path, "live_gate", HELD_QUALITY, published=False, release_version=None,
                          report_name="live-held")
    assert client.get("/api/v1/datasets/live_gate/quality").json()["latest_attempt"]["id"] == attempt.id
    assert "in_japan_latitude" in held_back_section(client.get("/datasets/live_gate").text)


# ----------------------------------------------------------------------------- OpenAPI


def test_openapi_documents_the_quality_routes_and_fields(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    operations = {op["operationId"]: path for path, item in spec["paths"].items() for op in item.values()}
    assert operations["get_dataset_quality"] == "/api/v1/datasets/{dataset_id}/quality"
    assert operations["get_attempt_file"] == "/api/v1/datasets/{dataset_id}/attempts/{attempt_id}/{filename}"
    schemas = spec["components"]["schemas"]
    assert schemas["DatasetOut"]["properties"]["quality"]["$ref"].endswith("/QualityOut")
    assert {"status", "report", "failures", "latest_attempt"} <= set(schemas["QualityOut"]["properties"])
    assert set(schemas["AttemptOut"]["properties"]) == ATTEMPT_KEYS
    assert json.dumps(schemas["DatasetQualityOut"]["properties"]).count("AttemptOut") == 1
