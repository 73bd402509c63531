"""More real layouts by registry entry alone (docs/standard-sets.md, "Layouts"): each on a generated file.

GeoJSON point sources, a header below metadata rows and two tables in one sheet, a declared date
format, 0 meaning "position unknown", and an ID template for IDs that restart per town.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from pipelines.parsers.errors import SourceFormatError
from pipelines.standard.ingest import read_source
from pipelines.standard.mapping import MappedSource, map_table
from pipelines.standard.registry import Publisher, Source, SourceEntry, realdata_dir
from pipelines.standard.spec import load_spec

SPEC = load_spec()
SHINJUKU = Publisher(code="131041", name="東京都新宿区")
AED = {"名称": "新宿区役所", "所在地_連結表記": "東京都新宿区歌舞伎町一丁目4-1", "緯度": "35.693840", "経度": "139.703549"}


def _mapped(tmp_path: Path, data: bytes, **entry: Any) -> MappedSource:
    name = entry.pop("file", "register.csv")
    (tmp_path / name).write_bytes(data)
    source = Source(SourceEntry(id="layout-test", dataset=entry.pop("dataset", "aed-locations"), file=name, **entry),
                    SHINJUKU, "CC-BY-4.0", tmp_path / "131041.yaml")
    return map_table(source, read_source(source, tmp_path, tmp_path), SPEC.get(source.dataset))


def _values(mapped: MappedSource, column: str) -> list[str | None]:
    at = mapped.columns.index(column)
    return [values[at] for _, values in mapped.rows]


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([header, *rows])
    return out.getvalue().encode("utf-8")


def test_a_geojson_point_source_gives_one_row_per_feature_with_its_coordinates(tmp_path: Path) -> None:
    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [139.703549, 35.69384]},
         "properties": {"ID": "1", "名称": "新宿区役所", "所在地_連結表記": AED["所在地_連結表記"], "設置位置": "1階"}},
        {"type": "Feature", "geometry": None, "properties": {"ID": "2", "名称": "新宿区役所分庁舎"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [139.71, 35.70]},
         "properties": {"ID": "3", "名称": "四谷区民センター", "階数": 9}},
    ]
    data = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode("utf-8")
    mapped = _mapped(tmp_path, data, file="aed.geojson", format="geojson")
    assert _values(mapped, "名称") == ["新宿区役所", "新宿区役所分庁舎", "四谷区民センター"]
    assert list(zip(_values(mapped, "緯度"), _values(mapped, "経度"))) == [
        ("35.69384", "139.703549"), (None, None), ("35.7", "139.71")]
    assert [line for line, _ in mapped.rows] == [1, 2, 3]  # a feature's "line" is its number
    assert mapped.unmapped_source_columns == ("階数",)


def test_a_geojson_source_that_is_not_a_feature_collection_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError, match="FeatureCollection"):
        _mapped(tmp_path, b'{"type": "Feature", "properties": {}}', file="aed.geojson", format="geojson")
    with pytest.raises(SourceFormatError, match=r"aed.geojson:1: expected a GeoJSON FeatureCollection.*not a JSON"):
        _mapped(tmp_path, _csv(["名称"], [["x"]]), file="aed.geojson", format="geojson")


def test_two_tables_below_a_title_in_one_sheet_are_two_sources(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "AED"
    for row in (["新宿区 AED設置箇所一覧（令和5年4月1日現在）"], ["区の施設"], ["ID", "名称", "緯度", "経度"],
                ["1", "新宿区役所", "35.69384", "139.703549"], ["2", "四谷区民センター", "35.6877", "139.7238"],
                [], ["民間施設"], ["ID", "名称", "緯度", "経度"], ["101", "新宿駅西口", "35.6905", "139.6995"]):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    public = _mapped(tmp_path, buffer.getvalue(), file="aed.xlsx", format="xlsx", sheet="AED", header_row=3,
                     last_row=6)
    private = _mapped(tmp_path, buffer.getvalue(), file="aed.xlsx", format="xlsx", sheet="AED", header_row=8)
    assert _values(public, "ID") == ["1", "2"] and _values(private, "ID") == ["101"]
    assert [line for line, _ in private.rows] == [9]


def test_a_declared_date_format_reads_month_first_dates(tmp_path: Path) -> None:
    date_column = "文化財指定日"  # a date column of 文化財一覧
    data = _csv(["ID", "名称", "所在地_連結表記", "緯度", "経度", date_column],
                [["1", "旧小笠原家書院", AED["所在地_連結表記"], "35.6896", "139.6891", "4/1/2022"],
                 ["2", "新宿御苑旧洋館御休所", AED["所在地_連結表記"], "35.7050", "139.7087", "令和4年5月1日"],
                 ["3", "林氏墓地", AED["所在地_連結表記"], "35.6852", "139.7101", "13/1/2022"]])
    mapped = _mapped(tmp_path, data, dataset="cultural-properties", date_format="%m/%d/%Y")
    assert _values(mapped, date_column) == ["2022-04-01", "2022-05-01"]  # 和暦 still reads
    assert mapped.quarantined_lines == [4]  # 13/1/2022 is no month-first date, nor any other
    assert any("read 4/1/2022 as %m/%d/%Y" in i.message for i in mapped.issues)
    with pytest.raises(ValueError, match="%Y, %m and %d"):
        SourceEntry(id="x", dataset="aed-locations", file="x.csv", date_format="%d.%m")


def test_zero_coordinates_mean_unknown_when_the_registry_says_so(tmp_path: Path) -> None:
    data = _csv(["ID", "名称", "緯度", "経度"], [["1", "新宿区役所", "35.69384", "139.703549"],
                                           ["2", "新宿区役所分庁舎", "0", "0"], ["3", "四谷区民センター", "0.0", "139.72"]])
    strict = _mapped(tmp_path, data)
    assert strict.quarantined_lines == [3, 4]  # by default 0 is a position, and not in Japan
    lenient = _mapped(tmp_path, data, zero_coordinates="missing")
    assert _values(lenient, "緯度") == ["35.69384", None, None] and not lenient.quarantined_lines
    warnings = [i for i in lenient.issues if i.reason == "bad_coordinates"]
    assert [(i.line, i.severity) for i in warnings] == [(3, "warning"), (4, "warning")]
    assert "0 means unknown" in warnings[0].message


def test_an_id_template_makes_ids_that_restart_per_town_unique(tmp_path: Path) -> None:
    data = _csv(["町名", "番号", "名称", "緯度", "経度"], [["歌舞伎町", "1", "新宿区役所", "35.69384", "139.703549"],
                                                 ["四谷", "1", "四谷区民センター", "35.6877", "139.7238"]])
    without = _mapped(tmp_path, data, layout="custom", columns={"ID": "番号", "名称": "名称", "緯度": "緯度", "経度": "経度"})
    assert without.quarantined_lines == [3]  # the second "1" repeats the first
    templated = _mapped(tmp_path, data, layout="custom",
                        columns={"ID": "{町名}-{番号}", "名称": "名称", "緯度": "緯度", "経度": "経度"})
    assert _values(templated, "ID") == ["歌舞伎町-1", "四谷-1"] and not templated.quarantined_lines


def test_a_long_format_population_table_is_pivoted_into_the_age_bands() -> None:
    """敦賀市's 年齢別人口 (../shared/realdata): a row per year and single age, plus a total row per year."""
    path = realdata_dir() / "population" / "tsuruga_population_statistics.csv"
    entry = SourceEntry(
        id="tsuruga-population", dataset="population-by-area-and-age", root="realdata",
        file="population/tsuruga_population_statistics.csv", layout="custom",
        long={"by": ["調査年", "市区町村名", "町丁字コード", "大字・町名", "字・丁目名"], "age_from": "最少年齢",
              "age_to": "最大年齢", "male": "男性人口", "female": "女性人口"},
        # the tables are yearly; the entry names the day they count (the census convention: 1 October)
        columns={"調査年月日": "{調査年}-10-01", "地域名": "{市区町村名}{大字・町名}{字・丁目名}", "地域コード": "町丁字コード"})
    source = Source(entry, Publisher(code="182028", name="福井県敦賀市"), "CC-BY-4.0", path)
    mapped = map_table(source, read_source(source, Path("/nonexistent"), realdata_dir()),
                       SPEC.get("population-by-area-and-age"))

    with path.open(encoding="utf-8-sig", newline="") as handle:
        records = list(csv.DictReader(handle))
    totals = {r["調査年"]: r for r in records if r["最少年齢"] == "0" and not r["最大年齢"]}  # the publisher's own
    assert len(mapped.rows) == len(totals) == 16 and not mapped.quarantined_lines
    row = dict(zip(mapped.columns, next(values for _, values in mapped.rows if values[3] == "2010-10-01")))
    assert row["地域名"] == "敦賀市"
    assert (row["総人口"], row["男性"], row["女性"]) == (totals["2010"]["人口"], totals["2010"]["男性人口"],
                                                   totals["2010"]["女性人口"])  # sums of the ages = their total
    young = sum(int(r["男性人口"]) for r in records if r["調査年"] == "2010" and r["最大年齢"]
                and int(r["最大年齢"]) <= 4)
    old = sum(int(r["女性人口"]) for r in records if r["調査年"] == "2010" and int(r["最少年齢"]) >= 85)
    assert (row["0-4歳の男性"], row["85歳以上の女性"]) == (str(young), str(old))
    skipped = [i for i in mapped.issues if i.reason == "not_pivoted"]
    assert len(skipped) == 16 and "all-ages total row" in skipped[0].message  # said, never silently dropped
