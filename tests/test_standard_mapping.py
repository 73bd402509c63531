"""Mapping registers to standard sets: legacy layout, custom columns, quarantine, publisher isolation."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.standard.dbt_models import stale_files
from pipelines.standard.ingest import map_publishers, write_publishers
from pipelines.standard.registry import load_registry
from pipelines.standard.spec import load_spec
from tests.conftest import SHARED

SPEC = load_spec()
REALDATA = SHARED / "realdata"
LEGACY_AED = "都道府県コード又は市区町村コード,NO,都道府県名,市区町村名,名称,名称_カナ,住所,方書,緯度,経度,設置位置,電話番号,開始時間,終了時間,利用可能曜日"


def _setup(tmp_path: Path, registry_yaml: dict[str, str], files: dict[str, bytes]):  # type: ignore[no-untyped-def]
    folder = tmp_path / "registry"
    folder.mkdir()
    for name, text in registry_yaml.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    landing = tmp_path / "landing"
    for rel, data in files.items():
        (landing / rel).parent.mkdir(parents=True, exist_ok=True)
        (landing / rel).write_bytes(data)
    return load_registry(folder, frozenset(SPEC.ids)), landing


def _shinjuku(rows: list[str]) -> tuple[dict[str, str], dict[str, bytes]]:
    yaml = ('publisher: {code: "131041", name: 東京都新宿区}\n'
            "sources:\n  - {id: shinjuku-aed, dataset: aed-locations, file: s/aed.csv, encoding: cp932, layout: legacy}\n")
    body = "\r\n".join([LEGACY_AED, *rows]) + "\r\n"
    return {"shinjuku": yaml}, {"s/aed.csv": body.encode("cp932")}


GOOD_ROW = "131041,１,東京都,新宿区,新宿区役所,ｼﾝｼﾞｭｸｸﾔｸｼｮ,新宿区歌舞伎町１－４－１,本庁舎1階,35.693840,139.703549,正面入口,03-3209-1111,8:30,17:00,月～金"


def test_a_legacy_row_becomes_a_current_row(tmp_path: Path) -> None:
    registry, landing = _setup(tmp_path, *_shinjuku([GOOD_ROW]))
    report = map_publishers(registry, SPEC, ["131041"], landing, REALDATA)
    (mapped,) = report.mapped
    (line, values), = mapped.rows
    row = dict(zip(SPEC.get("aed-locations").column_names, values))
    assert line == 2
    assert row["全国地方公共団体コード"] == "131041" and row["ID"] == "1"
    assert row["地方公共団体名"] == "東京都新宿区"
    assert row["名称_カナ"] == "シンジュククヤクショ"
    assert row["所在地_連結表記"] == "新宿区歌舞伎町1-4-1"
    assert (row["緯度"], row["経度"]) == ("35.693840", "139.703549")
    assert (row["開始時間"], row["終了時間"], row["利用可能曜日"]) == ("08:30", "17:00", "月火水木金")


@pytest.mark.parametrize(("bad", "column", "reason"), [
    (GOOD_ROW.replace("35.693840,139.703549", "0,0"), "緯度", "bad_value"),
    (GOOD_ROW.replace("35.693840,139.703549", "139.703549,35.693840"), "緯度", "bad_value"),
    (GOOD_ROW.replace("131041,１", "131042,１"), "全国地方公共団体コード", "bad_value"),
    (GOOD_ROW.replace("131041,１", "132012,１"), "全国地方公共団体コード", "wrong_publisher"),
])
def test_a_row_that_cannot_be_made_conformant_is_quarantined_and_the_rest_goes_on(
    tmp_path: Path, bad: str, column: str, reason: str
) -> None:
    second = GOOD_ROW.replace("131041,１", "131041,2").replace("新宿区役所", "新宿区役所分庁舎")
    registry, landing = _setup(tmp_path, *_shinjuku([bad, second]))
    (mapped,) = map_publishers(registry, SPEC, ["131041"], landing, REALDATA).mapped
    assert [line for line, _ in mapped.rows] == [3]
    assert mapped.quarantined_lines == [2]
    errors = [i for i in mapped.issues if i.severity == "error"]
    assert errors and errors[0].line == 2 and errors[0].column_name == column and errors[0].reason == reason
    assert errors[0].column is not None and errors[0].message


def test_a_duplicate_id_within_a_publisher_is_quarantined(tmp_path: Path) -> None:
    registry, landing = _setup(tmp_path, *_shinjuku([GOOD_ROW, GOOD_ROW]))
    (mapped,) = map_publishers(registry, SPEC, ["131041"], landing, REALDATA).mapped
    assert mapped.quarantined_lines == [3]
    assert [i.reason for i in mapped.issues if i.severity == "error"] == ["duplicate_id"]


def test_a_custom_layout_maps_its_own_column_names_and_fixed_values(tmp_path: Path) -> None:
    yaml = """publisher: {code: "133035", name: 東京都瑞穂町}
sources:
  - id: mizuho-toilets
    dataset: public-toilets
    file: m/toilets.csv
    layout: custom
    columns: {名称: name, 所在地_連結表記: "東京都西多摩郡瑞穂町{address}", 緯度: lat, 経度: lon, 設置位置: where}
    fixed: {車椅子使用者用トイレ有無: 有}
"""
    body = "name,address,lat,lon,where,unused\n町民会館,箱根ケ崎2335,35.771,139.354,1階,x\n"
    registry, landing = _setup(tmp_path, {"mizuho": yaml}, {"m/toilets.csv": body.encode()})
    (mapped,) = map_publishers(registry, SPEC, ["133035"], landing, REALDATA).mapped
    row = dict(zip(SPEC.get("public-toilets").column_names, mapped.rows[0][1]))
    assert row["所在地_連結表記"] == "東京都西多摩郡瑞穂町箱根ケ崎2335"
    assert row["車椅子使用者用トイレ有無"] == "有" and row["地方公共団体名"] == "東京都瑞穂町"
    assert mapped.unmapped_source_columns == ("unused",)


def test_a_mapping_to_a_column_the_file_lacks_skips_that_source_with_the_reason(tmp_path: Path) -> None:
    yaml = ('publisher: {code: "133035", name: 東京都瑞穂町}\nsources:\n'
            "  - {id: mizuho-aed, dataset: aed-locations, file: m/aed.csv, layout: custom, columns: {名称: facility}}\n")
    registry, landing = _setup(tmp_path, {"mizuho": yaml}, {"m/aed.csv": "name\nx\n".encode()})
    report = map_publishers(registry, SPEC, ["133035"], landing, REALDATA)
    (skipped,) = report.skipped
    assert "landing:m/aed.csv:1" in skipped.reason and "'facility'" in skipped.reason


def test_rerunning_one_publisher_leaves_the_others_untouched(tmp_path: Path) -> None:
    other = ('publisher: {code: "132195", name: 東京都狛江市}\nsources:\n'
             "  - {id: komae-aed, dataset: aed-locations, root: realdata, file: aed/komae_aed.csv, layout: legacy}\n")
    files_yaml, files = _shinjuku([GOOD_ROW])
    registry, landing = _setup(tmp_path, {**files_yaml, "komae": other}, files)
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    codes = list(registry.publisher_codes)
    write_publishers(conn, SPEC, codes, map_publishers(registry, SPEC, codes, landing, REALDATA))
    komae = conn.execute("SELECT * FROM raw.register_aed_locations WHERE publisher_code = '132195' ORDER BY ALL").fetchall()
    assert len(komae) > 10

    (landing / "s/aed.csv").write_bytes(("\r\n".join([LEGACY_AED, GOOD_ROW, GOOD_ROW.replace(",１,", ",2,")]) + "\r\n").encode("cp932"))
    write_publishers(conn, SPEC, ["131041"], map_publishers(registry, SPEC, ["131041"], landing, REALDATA))
    assert conn.execute("SELECT count(*) FROM raw.register_aed_locations WHERE publisher_code = '131041'").fetchone()[0] == 2
    assert conn.execute("SELECT * FROM raw.register_aed_locations WHERE publisher_code = '132195' ORDER BY ALL").fetchall() == komae


def test_an_unreadable_file_keeps_its_previous_rows(tmp_path: Path) -> None:
    registry, landing = _setup(tmp_path, *_shinjuku([GOOD_ROW]))
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    write_publishers(conn, SPEC, ["131041"], map_publishers(registry, SPEC, ["131041"], landing, REALDATA))
    (landing / "s/aed.csv").write_bytes(LEGACY_AED.encode("cp932") + b"\r\n\x82\xff\r\n")  # not CP932
    report = map_publishers(registry, SPEC, ["131041"], landing, REALDATA)
    write_publishers(conn, SPEC, ["131041"], report)
    assert conn.execute("SELECT count(*) FROM raw.register_aed_locations").fetchone()[0] == 1
    (reason,) = conn.execute("SELECT message FROM raw.register_issues WHERE reason = 'source_skipped'").fetchone()
    assert "landing:s/aed.csv:2:1" in reason and "cp932" in reason


def test_the_dbt_files_are_generated_from_the_spec() -> None:
    """Run `tdpf standard generate` after changing standard_datasets.yaml."""
    assert stale_files(SPEC) == []


def test_reloading_one_set_of_a_publisher_leaves_its_other_sets_and_their_issues_alone(tmp_path: Path) -> None:
    """A build that found one changed file reloads that file's set only (pipelines/changes.py)."""
    registry, landing = _setup(tmp_path, *_shinjuku([GOOD_ROW]))
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    write_publishers(conn, SPEC, ["131041"], map_publishers(registry, SPEC, ["131041"], landing, REALDATA))
    toilets = SPEC.get("public-toilets")
    width = len(toilets.columns)
    conn.execute(f"INSERT INTO raw.register_public_toilets VALUES ('131041', 'shinjuku-toilets', 'landing:t.csv', 2"
                 f"{', NULL' * width})")
    conn.execute("INSERT INTO raw.register_issues VALUES ('131041', 'shinjuku-toilets', 'public-toilets', "
                 "'landing:t.csv', 2, 1, '名称', '', 'warning', 'blanked', 'kept for the test')")

    (landing / "s/aed.csv").write_bytes(("\r\n".join([LEGACY_AED, GOOD_ROW, GOOD_ROW.replace(",１,", ",2,")]) + "\r\n").encode("cp932"))
    aed_only = {"aed-locations"}
    write_publishers(conn, SPEC, ["131041"], map_publishers(registry, SPEC, ["131041"], landing, REALDATA, aed_only),
                     aed_only)
    assert conn.execute("SELECT count(*) FROM raw.register_aed_locations WHERE publisher_code = '131041'").fetchone()[0] == 2
    assert conn.execute("SELECT count(*) FROM raw.register_public_toilets").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM raw.register_issues WHERE dataset = 'public-toilets'").fetchone()[0] == 1
