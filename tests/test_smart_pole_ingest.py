"""Smart-pole feed ingestion on small, hand-made vendor files: formats, rejects, day replacement."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
import pytest

from pipelines.smart_poles.ingest import days_with_files, load_days

DAY = date(2026, 11, 2)
HEADER = "計測日時,機器ID,気温(℃),湿度(%),気圧(hPa),照度(lx),騒音(dB),PM2.5(μg/m3),人数_北行,人数_南行,WiFi接続数"


def _write_csv(landing: Path, day: date, device: str, rows: list[str]) -> Path:
    path = landing / "feeds" / "csv_sjis" / day.isoformat() / f"{device}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n").encode("cp932"))
    return path


def _entity(device: str, minute: str, **attrs: object) -> dict[str, object]:
    e: dict[str, object] = {"id": f"urn:ngsi-ld:SmartPoleObserved:{device}:{minute}", "type": "SmartPoleObserved",
                            "refDevice": {"type": "Text", "value": device},
                            "dateObserved": {"type": "DateTime", "value": minute}}
    e.update(attrs)
    return e


def _num(value: object, code: str | None = None) -> dict[str, object]:
    d: dict[str, object] = {"type": "Number", "value": value}
    if code:
        d["metadata"] = {"unitCode": {"type": "Text", "value": code}}
    return d


@pytest.fixture()
def landing(tmp_path: Path) -> Path:
    landing = tmp_path / "landing" / "smart_poles"
    _write_csv(landing, DAY, "DEV-A", [
        "2026/11/02 00:00,DEV-A,12.5,60.1,1013.2,0,45.2,8.1,0,1,3",
        "2026/11/02 00:01,DEV-A,12.4,,1013.2,0,45.0,8.0,0,0,3",        # humidity cell empty
        "2026/11/02 00:02,DEV-A,abc,60.0,1013.1,0,44.9,8.0,0,0,3",     # bad value
        "2026/13/02 00:03,DEV-A,12.3,60.0,1013.1,0,44.9,8.0,0,0,3",     # bad timestamp
    ])
    ngsi = landing / "feeds" / "ngsi_v2" / DAY.isoformat() / "DEV-B.json"
    ngsi.parent.mkdir(parents=True)
    ngsi.write_text(json.dumps([
        _entity("DEV-B", "2026-11-01T15:00:00.000Z", temperature=_num(54.5, "FAH"),
                peopleCount={"type": "StructuredValue", "value": {"northbound": 3, "southbound": 4}}),
        _entity("DEV-B", "2026-11-01T15:01:00.000Z", temperature=_num(12.0, "XXX"), co2=_num(400, "59")),
    ]), encoding="utf-8")
    jsonl = landing / "feeds" / "jsonl" / DAY.isoformat() / "DEV-C.jsonl"
    jsonl.parent.mkdir(parents=True)
    ts = int(datetime(2026, 11, 1, 15, 0, tzinfo=timezone.utc).timestamp() * 1000)
    jsonl.write_text("\n".join([
        json.dumps({"device_id": "DEV-C", "ts": ts, "metric": "noise", "value": 51.2, "unit": "dB"}),
        "{not json",
        json.dumps({"device_id": "DEV-C", "ts": ts, "metric": "radiation", "value": 1.0, "unit": "uSv"}),
        json.dumps({"device_id": "DEV-C", "ts": ts + 60000, "metric": "pressure", "value": 101.3, "unit": "kPa"}),
    ]) + "\n", encoding="utf-8")
    return landing


def test_every_format_lands_in_one_long_table_with_utc_times_and_lines(landing: Path, tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    stats = load_days(con, landing, [DAY])
    assert stats.files == {"csv_sjis": 1, "ngsi_v2": 1, "jsonl": 1}
    rows = con.execute(
        "SELECT vendor_format, device_id, observed_at, metric, value, unit, source_line FROM raw.smart_pole_readings"
    ).fetchall()
    by = {(r[0], r[3], r[6]): r for r in rows}
    # JST 00:00 on 2 Nov is 15:00 UTC on 1 Nov
    assert by[("csv_sjis", "temperature", 2)][2] == datetime(2026, 11, 1, 15, 0)
    assert by[("csv_sjis", "temperature", 2)][4:6] == (12.5, "degC")
    assert ("csv_sjis", "humidity", 3) not in by  # the empty cell is no reading
    assert by[("ngsi_v2", "temperature", 1)][4:6] == (54.5, "degF")  # unit kept as delivered
    assert by[("ngsi_v2", "people_southbound", 1)][4:6] == (4.0, "persons")
    assert by[("jsonl", "pressure", 4)][4:6] == (101.3, "kPa")
    assert {r[1] for r in rows} == {"DEV-A", "DEV-B", "DEV-C"}
    assert con.execute("SELECT DISTINCT partition_day FROM raw.smart_pole_readings").fetchall() == [(DAY,)]


def test_unusable_values_are_rejected_with_reason_file_and_line(landing: Path, tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    load_days(con, landing, [DAY])
    rejects = {
        (r[0], r[1], r[2]) for r in con.execute(
            "SELECT source_file, source_line, reason FROM raw.smart_pole_rejects").fetchall()
    }
    csv_file = f"feeds/csv_sjis/{DAY}/DEV-A.csv"
    assert (csv_file, 4, "bad_value") in rejects
    assert (csv_file, 5, "bad_timestamp") in rejects
    ngsi_file = f"feeds/ngsi_v2/{DAY}/DEV-B.json"
    assert (ngsi_file, 2, "unknown_unit") in rejects  # unitCode XXX
    assert (ngsi_file, 2, "unknown_metric") in rejects  # the co2 attribute
    jsonl_file = f"feeds/jsonl/{DAY}/DEV-C.jsonl"
    assert {r for r in rejects if r[0] == jsonl_file} == {(jsonl_file, 2, "bad_json_line"), (jsonl_file, 3, "unknown_metric")}


def test_an_unreadable_file_is_rejected_whole_and_the_rest_still_loads(landing: Path, tmp_path: Path) -> None:
    broken = landing / "feeds" / "ngsi_v2" / DAY.isoformat() / "DEV-Z.json"
    broken.write_text('[{"id": "x", "refDevice": ', encoding="utf-8")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    stats = load_days(con, landing, [DAY])
    assert stats.rejects["bad_file"] == 1
    assert con.execute(
        "SELECT count(*) FROM raw.smart_pole_readings WHERE device_id = 'DEV-B'").fetchone()[0] == 3


def test_reloading_a_day_replaces_exactly_that_day(landing: Path, tmp_path: Path) -> None:
    other = date(2026, 11, 3)
    _write_csv(landing, other, "DEV-A", ["2026/11/03 00:00,DEV-A,11.0,61.0,1012.0,0,44.0,7.0,0,0,2"])
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    load_days(con, landing, [DAY, other])
    before_other = con.execute("SELECT * FROM raw.smart_pole_readings WHERE partition_day = ? ORDER BY ALL", [other]).fetchall()
    first = con.execute("SELECT count(*) FROM raw.smart_pole_readings WHERE partition_day = ?", [DAY]).fetchone()[0]
    load_days(con, landing, [DAY])
    load_days(con, landing, [DAY])
    assert con.execute("SELECT count(*) FROM raw.smart_pole_readings WHERE partition_day = ?", [DAY]).fetchone()[0] == first
    assert con.execute("SELECT * FROM raw.smart_pole_readings WHERE partition_day = ? ORDER BY ALL", [other]).fetchall() == before_other
    assert days_with_files(landing / "feeds") == [DAY, other]


def test_a_file_that_is_not_shift_jis_is_rejected_whole_at_its_line_and_column(landing: Path, tmp_path: Path) -> None:
    bad = _write_csv(landing, DAY, "DEV-Y", ["2026/11/02 00:00,DEV-Y,12.5,60.1,1013.2,0,45.2,8.1,0,1,3"])
    bad.write_bytes(bad.read_bytes() + b"2026/11/02 00:01,DEV-Y,\x82\xff,60.1\r\n")  # 0x82 0xFF is no CP932 character
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    stats = load_days(con, landing, [DAY], scratch=tmp_path / "scratch")
    assert stats.rejects["bad_file"] == 1
    ((source, detail),) = con.execute(
        "SELECT source_file, detail FROM raw.smart_pole_rejects WHERE reason = 'bad_file'").fetchall()
    assert source == f"feeds/csv_sjis/{DAY}/DEV-Y.csv" and detail.startswith(f"{source}:3:24: "), detail
    assert con.execute("SELECT count(*) FROM raw.smart_pole_readings WHERE device_id = 'DEV-A'").fetchone()[0] > 0
    assert list((tmp_path / "scratch").iterdir()) == []  # the UTF-8 copies are gone
    assert "encodings" not in {r[0] for r in con.execute(
        "SELECT extension_name FROM duckdb_extensions() WHERE loaded").fetchall()}
