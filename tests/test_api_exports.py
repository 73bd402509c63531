"""Downloads by format over real HTTP, on what a real `tdpf build` published: the release files
themselves, and filtered exports held byte for byte to the release file they are cut from."""

from __future__ import annotations

import csv
import hashlib
import io
from urllib.parse import urlencode

import httpx
import pandas as pd
import pytest

pytestmark = pytest.mark.slow

IDENTITY = {"Accept-Encoding": "identity"}  # the bytes as sent, not as httpx would decode them
CODE = "全国地方公共団体コード"


@pytest.fixture(scope="module")
def api(built_api: str):  # type: ignore[no-untyped-def]
    with httpx.Client(base_url=built_api, timeout=60, headers=IDENTITY) as client:
        yield client


def _export(dataset_id: str, fmt: str) -> str:
    return f"/api/v1/datasets/{dataset_id}/data.{fmt}"


def _release_file(api: httpx.Client, dataset_id: str, name: str) -> tuple[bytes, dict]:
    dataset = api.get(f"/api/v1/datasets/{dataset_id}").json()
    resource = next(r for r in dataset["resources"] if r["name"] == name)
    return api.get(resource["url"]).content, resource


@pytest.mark.parametrize("fmt", ["csv", "parquet", "geojson"])
def test_without_a_query_each_format_is_the_release_file_itself(api: httpx.Client, fmt: str) -> None:
    expected, resource = _release_file(api, "public-toilets", f"data.{fmt}")
    response = api.get(_export("public-toilets", fmt))
    assert response.status_code == 200 and response.content == expected
    assert hashlib.sha256(response.content).hexdigest() == resource["sha256"]
    assert response.headers["etag"] == f'"{resource["sha256"]}"'
    assert response.headers["content-type"].split(";")[0] == resource["media_type"].split(";")[0]


def _csv_lines(body: bytes) -> list[bytes]:
    assert body.startswith(b"\xef\xbb\xbf") and body.endswith(b"\r\n")
    return body[3:].split(b"\r\n")[:-1]


def test_a_filtered_csv_is_the_release_csv_cut_to_the_selected_rows(api: httpx.Client) -> None:
    release, _ = _release_file(api, "public-toilets", "data.csv")
    lines = _csv_lines(release)
    header = next(csv.reader([lines[0].decode()]))
    code_at = header.index(CODE)
    # no quoted line breaks in these rows, so a line is a row and the cut can be made on bytes
    kept = [line for line in lines[1:] if next(csv.reader([line.decode()]))[code_at] == "092088"]
    assert 0 < len(kept) < len(lines) - 1

    response = api.get(_export("public-toilets", "csv"), params={CODE: "092088"})
    assert response.status_code == 200
    assert response.content == b"\xef\xbb\xbf" + b"\r\n".join([lines[0], *kept]) + b"\r\n"
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-length"] == str(len(response.content))
    assert response.headers["content-disposition"].startswith('attachment; filename="public-toilets-v')
    assert "-filtered.csv" in response.headers["content-disposition"]
    assert response.headers["x-max-query-seconds"] == "10" and response.headers["x-export-concurrency"] == "2"

    again = api.get(_export("public-toilets", "csv"), params={CODE: "092088"},
                    headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    head = api.head(_export("public-toilets", "csv"), params={CODE: "092088"})
    assert head.status_code == 200 and head.headers["etag"] == response.headers["etag"] and head.content == b""


def test_a_sorted_export_with_fields_keeps_the_csv_format(api: httpx.Client) -> None:
    response = api.get(_export("public-toilets", "csv"), params={"fields": f"{CODE},名称", "sort": f"-{CODE},名称"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert rows[0] == [CODE, "名称"]
    assert [r[0] for r in rows[1:]] == sorted((r[0] for r in rows[1:]), reverse=True)
    assert response.content.count(b"\r\n") == len(rows)


def test_a_filtered_parquet_reads_in_pandas_with_numbers_and_codes_as_published(api: httpx.Client) -> None:
    url = str(api.base_url) + _export("public-toilets", "parquet") + "?" + urlencode({CODE: "092088"})
    frame = pd.read_parquet(url)
    assert set(frame[CODE]) == {"092088"}  # text, leading zero kept
    assert frame["緯度"].dtype == "float64" and frame["経度"].dtype == "float64"
    whole = pd.read_parquet(str(api.base_url) + _export("public-toilets", "parquet"))
    assert len(whole) == api.get("/api/v1/datasets/public-toilets").json()["row_count"]
    assert whole["緯度"].dtype == "float64" and whole[CODE].str.len().eq(6).all()


def test_json_export_is_the_records_the_api_pages_through(api: httpx.Client) -> None:
    params = {CODE: "092088", "sort": "名称"}
    exported = api.get(_export("public-toilets", "json"), params=params)
    page = api.get("/api/v1/datasets/public-toilets/records", params={**params, "limit": 1000}).json()
    assert exported.headers["content-type"] == "application/json"
    assert exported.json() == page["records"] and len(page["records"]) == page["total"]
    whole = api.get(_export("public-toilets", "json")).json()
    assert len(whole) == api.get("/api/v1/datasets/public-toilets").json()["row_count"]


def test_a_geojson_export_in_a_box_holds_the_points_the_records_api_finds_there(api: httpx.Client) -> None:
    box = "139.0,35.5,139.9,35.9"
    collection = api.get(_export("public-toilets", "geojson"), params={"bbox": box}).json()
    total = api.get("/api/v1/datasets/public-toilets/records", params={"bbox": box, "limit": 0}).json()["total"]
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == total > 0
    for feature in collection["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert 139.0 <= lon <= 139.9 and 35.5 <= lat <= 35.9
        assert isinstance(feature["properties"]["緯度"], float)


@pytest.mark.parametrize("path, params, status, needle", [
    ("public-toilets/data.csv", {"cursor": "x"}, 422, "cursor"),
    ("public-toilets/data.csv", {"facet": CODE}, 422, "facet"),
    ("public-toilets/data.csv", {"nope": "1"}, 422, "nope"),
    ("public-toilets/data.csv", {"緯度__gt": "north"}, 422, "緯度"),
    ("public-toilets/data.xlsx", {}, 404, "xlsx"),
    ("bureau-expenditure/data.geojson", {"fiscal_year": "2023"}, 404, "no coordinates"),
    ("bureau-expenditure/data.geojson", {}, 404, "data.geojson"),
    ("no-such-set/data.csv", {CODE: "1"}, 404, "no-such-set"),
])
def test_bad_exports_get_the_error_shape(api: httpx.Client, path: str, params: dict, status: int, needle: str) -> None:
    response = api.get(f"/api/v1/datasets/{path}", params=params)
    assert response.status_code == status and response.json()["ok"] is False
    assert needle in response.json()["error"]
