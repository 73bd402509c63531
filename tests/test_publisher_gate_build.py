"""A publisher is the unit of quality: one publisher fails a blocking check, the other's update publishes.

Real `tdpf build`, real Great Expectations, a real HTTP API. The bureau tightens the AED suite
(no test rows may be published); 新宿区's next delivery has a test row left in, while 瑞穂町's
corrects a name. 瑞穂町's update is published; 新宿区 stays at its last good rows; the release,
its report and the API say who was held back, by which check, with the failing value.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import httpx
import pytest

from pipelines.quality.suites import SUITES_DIR
from tests.conftest import run_tdpf
from tests.helpers.api_server import run_api_server

pytestmark = pytest.mark.slow

RULE = """\
- name: no_test_rows
  type: expect_column_values_to_not_match_regex
  kwargs:
    column: 名称
    regex: (テスト|試験)
  severity: error
  notes: 試験用の行は公開しない (a publisher's test rows are never published)
"""


def _current(home: Path) -> tuple[int, Path]:
    index = json.loads((home / "releases" / "index.json").read_text(encoding="utf-8"))
    entry = index["datasets"]["aed-locations"]
    version = next(v for v in entry["versions"] if v["version"] == entry["current_version"])
    return entry["current_version"], home / "releases" / "aed-locations" / version["content_hash"][:16]


def _rows(release: Path, code: str) -> list[tuple[str, str]]:
    with duckdb.connect() as conn:
        return conn.execute('SELECT "ID", "名称" FROM read_parquet(?) WHERE "全国地方公共団体コード" = ? ORDER BY 1',
                            [str(release / "data.parquet"), code]).fetchall()


def test_one_publisher_failing_a_blocking_check_does_not_hold_back_the_other(
        home_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    suites = tmp_path / "expectations"
    shutil.copytree(SUITES_DIR, suites)
    suite = suites / "aed-locations.yaml"
    suite.write_text(suite.read_text(encoding="utf-8").replace("rules:\n", "rules:\n" + RULE, 1), encoding="utf-8")
    monkeypatch.setenv("TDPF_EXPECTATIONS", str(suites))
    version_before, release_before = _current(home_copy)
    shinjuku_before = _rows(release_before, "131041")

    shinjuku = home_copy / "landing" / "municipal" / "131041" / "131041_aed.csv"
    lines = shinjuku.read_bytes().split(b"\r\n")
    test_row = lines[1].replace("新宿区役所".encode("cp932"), "テスト設置".encode("cp932")).replace(b"131041,1,", b"131041,99,", 1)
    shinjuku.write_bytes(b"\r\n".join([*lines[:-1], test_row, lines[-1]]))
    mizuho = home_copy / "landing" / "municipal" / "133035" / "133035_aed.csv"
    mizuho.write_text(mizuho.read_text(encoding="utf-8").replace("瑞穂町役場", "瑞穂町役場本庁舎", 1), encoding="utf-8")

    result = run_tdpf(home_copy, "build")
    assert result.returncode == 0, result.stderr[-4000:]

    version, release = _current(home_copy)
    assert version == version_before + 1
    assert ("FF1330350001", "瑞穂町役場本庁舎") in _rows(release, "133035")  # the other publisher's update is out
    assert _rows(release, "131041") == shinjuku_before  # the failing one stays at its last good rows
    metadata = json.loads((release / "metadata.json").read_text(encoding="utf-8"))
    quality = metadata["quality"]
    assert quality["status"] == "partial"
    (held,) = quality["held_back_publishers"]
    assert held["code"] == "131041" and held["checks"] == ["no_test_rows"] and held["sample"] == ["テスト設置"]
    assert (held["kept_from_version"], held["rows_kept"]) == (version_before, len(shinjuku_before))
    assert "131041" in (release / "quality.html").read_text(encoding="utf-8")

    instance = dg.DagsterInstance.from_config(str(home_copy / "dagster"))
    try:
        evaluation = instance.event_log_storage.get_latest_asset_check_execution_by_key(
            [dg.AssetCheckKey(dg.AssetKey(["marts", "std_aed_locations"]), "no_test_rows")])
        (record,) = evaluation.values()
        checked = record.event.dagster_event.event_specific_data
        assert checked.passed is False
        assert checked.severity == dg.AssetCheckSeverity.WARN  # it did not stop the release
    finally:
        instance.dispose()

    with run_api_server(home_copy) as url:
        answer = httpx.get(f"{url}/api/v1/datasets/aed-locations/quality", timeout=30).json()
    served = answer["release"] if "release" in answer else answer
    text = json.dumps(answer, ensure_ascii=False)
    assert "held_back_publishers" in text and "no_test_rows" in text and "131041" in text, served
