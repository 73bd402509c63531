"""The smart-pole simulator: determinism, register, the three formats, and every fault in the files.

Real runs write real files into ``tmp_path``; the checks read them back the way an
ingestion pipeline would (CP932 decoding, DuckDB with the encodings extension, JSON).
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import subprocess
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pytest

from pipelines.simulator import FAULT_KINDS, POLES, FaultRates, simulate
from pipelines.simulator.poles import LAT_RANGE, LON_RANGE, POLES_CSV_COLUMNS, VENDOR_FORMAT
from pipelines.simulator.signals import (
    METRICS, ar1, day_context, diurnal_shape, generate_pole_day, is_day_off, japanese_holidays, pole_metrics,
)
from pipelines.simulator.writers import CSV_HEADER, UNIT_CODE
from tests.conftest import TDPF

START = date(2026, 11, 2)  # a Monday; 2026-11-03 is 文化の日
UTC = timezone.utc
CODE_UNIT = {code: unit for unit, code in UNIT_CODE.items()}
NGSI_METRIC = {
    "temperature": "temperature", "relativeHumidity": "humidity", "atmosphericPressure": "pressure",
    "illuminance": "illuminance", "noiseLevel": "noise", "pm25": "pm25",
}
CANONICAL = {
    "temperature": "degC", "humidity": "pct", "pressure": "hPa", "illuminance": "lx", "noise": "dB",
    "pm25": "ug/m3", "people_northbound": "persons", "people_southbound": "persons",
    "wifi_connections": "connections",
}


# --- helpers -------------------------------------------------------------------------------

def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _log(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "_simulator" / "fault_log.jsonl").read_text(encoding="utf-8").splitlines()]


def _located(out: Path, log: list[dict[str, Any]], file: str) -> Path:
    """Where a logical ``feeds/…`` file really is: under ``_late/`` if it arrived late."""
    for e in log:
        if e["kind"] == "late_file" and e["file"] == file:
            return out / e["detail"]["path"]
    return out / file


def _raw_messages(path: Path) -> list[str]:
    """The file's messages as written: CSV rows, NGSI entities (re-serialised), JSONL lines."""
    data = path.read_bytes()
    if path.suffix == ".csv":
        return data.decode("cp932").split("\r\n")[1:-1]
    if path.suffix == ".json":
        return [json.dumps(e) for e in json.loads(data)]
    return data.decode("utf-8").splitlines()


def _readings(path: Path, utc_stamps: bool = False) -> list[tuple[str, str, float, str]]:
    """Every reading of a file as (utc 'YYYY-MM-DDTHH:MM:00Z', metric, value, unit), in file order."""
    out: list[tuple[str, str, float, str]] = []
    if path.suffix == ".csv":
        for row in csv.reader(io.StringIO(path.read_bytes().decode("cp932"), newline="")):
            if row[0] == "計測日時":
                continue
            stamp = datetime.strptime(row[0], "%Y/%m/%d %H:%M")
            utc = stamp if utc_stamps else stamp - timedelta(hours=9)
            for metric, cell in zip(METRICS, row[2:]):
                if cell != "":
                    out.append((utc.strftime("%Y-%m-%dT%H:%M:00Z"), metric, float(cell), CANONICAL[metric]))
    elif path.suffix == ".json":
        for e in json.loads(path.read_bytes()):
            utc = e["dateObserved"]["value"].replace(":00.000Z", ":00Z")
            for attr, metric in NGSI_METRIC.items():
                if attr in e:
                    out.append((utc, metric, e[attr]["value"], CODE_UNIT[e[attr]["metadata"]["unitCode"]["value"]]))
            if "peopleCount" in e:
                out.append((utc, "people_northbound", e["peopleCount"]["value"]["northbound"], "persons"))
                out.append((utc, "people_southbound", e["peopleCount"]["value"]["southbound"], "persons"))
            if "wifiConnections" in e:
                out.append((utc, "wifi_connections", e["wifiConnections"]["value"], "connections"))
    else:
        for line in path.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            utc = datetime.fromtimestamp(r["ts"] / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:00Z")
            out.append((utc, r["metric"], r["value"], r["unit"]))
    return out


def _entry_readings(out: Path, log: list[dict[str, Any]], entry: dict[str, Any]) -> list[tuple[str, str, float, str]]:
    mixed = any(e["kind"] == "timezone_mixup" and e["file"] == entry["file"] for e in log)
    return _readings(_located(out, log, entry["file"]), utc_stamps=mixed)


def _encodings_extension() -> str:
    spec = importlib.util.find_spec("duckdb_extension_encodings")
    assert spec is not None and spec.submodule_search_locations
    return str(Path(spec.submodule_search_locations[0]) / "extensions" / "v1.5.5" / "encodings.duckdb_extension")


def _pole(pole_id: str):
    return next(p for p in POLES if p.pole_id == pole_id)


@pytest.fixture(scope="module")
def run3(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three days with the default fault rates (read-only for the tests)."""
    out = tmp_path_factory.mktemp("sim3") / "smart_poles"
    simulate(START, 3, out)
    return out


@pytest.fixture(scope="module")
def log3(run3: Path) -> list[dict[str, Any]]:
    return _log(run3)


def _entries(log: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    found = [e for e in log if e["kind"] == kind]
    assert found, f"no {kind} in the fault log"
    return found


# --- determinism -----------------------------------------------------------------------------

def test_same_arguments_give_byte_identical_output(tmp_path: Path) -> None:
    simulate(START, 2, tmp_path / "a")
    simulate(START, 2, tmp_path / "b")
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert len(a) > 29 * 2
    assert a == b


def test_a_different_seed_gives_different_readings(tmp_path: Path) -> None:
    simulate(START, 1, tmp_path / "a", fault_rates=FaultRates.none())
    simulate(START, 1, tmp_path / "b", seed=7, fault_rates=FaultRates.none())
    path = "feeds/jsonl/2026-11-02/DEV-NSJ-005-A.jsonl"
    assert (tmp_path / "a" / path).read_bytes() != (tmp_path / "b" / path).read_bytes()


def test_a_clean_day_is_identical_alone_or_within_a_longer_run(tmp_path: Path) -> None:
    simulate(START, 3, tmp_path / "long", fault_rates=FaultRates.none())
    simulate(START + timedelta(days=1), 1, tmp_path / "alone", fault_rates=FaultRates.none())
    day = "2026-11-03"
    long = {k: v for k, v in _files(tmp_path / "long").items() if f"/{day}/" in k}
    alone = {k: v for k, v in _files(tmp_path / "alone").items() if f"/{day}/" in k}
    assert len(alone) == 29
    assert long == alone


def test_a_days_file_faults_do_not_depend_on_the_window(tmp_path: Path) -> None:
    """Only window faults (unit change, replacement) and forced faults may differ."""
    simulate(START, 3, tmp_path / "long")
    simulate(START + timedelta(days=1), 1, tmp_path / "alone")
    day = "2026-11-03"
    logs = {name: _log(tmp_path / name) for name in ("long", "alone")}
    excluded = {
        e["file"] for log in logs.values() for e in log
        if e["kind"] in ("unit_change", "device_replaced") or e["detail"]["forced"]
    } | {e["detail"]["old_file"] for log in logs.values() for e in log if e["kind"] == "device_replaced"}

    def same_day(log: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{k: v for k, v in e.items() if k != "fault_id"} for e in log if e["day"] == day and e["file"] not in excluded]

    assert same_day(logs["long"]) == same_day(logs["alone"])
    assert len(same_day(logs["long"])) >= 1  # the comparison is not vacuous
    files = {name: {k: v for k, v in _files(tmp_path / name).items() if f"/{day}/" in k} for name in logs}
    compared = 0
    for path, data in files["alone"].items():
        logical = path[path.index("feeds/"):]
        if logical not in excluded:
            assert files["long"][path] == data, path
            compared += 1
    assert compared >= 25


# --- registers --------------------------------------------------------------------------------

def test_register_lists_29_poles_of_fy2020_and_fy2021_inside_nishi_shinjuku(run3: Path) -> None:
    text = (run3 / "register" / "poles.csv").read_bytes().decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0].keys()) == POLES_CSV_COLUMNS
    assert [r["pole_id"] for r in rows] == [f"NSJ-{i:03d}" for i in range(1, 30)]
    fy2020 = [r for r in rows if r["installed_fiscal_year"] == "2020"]
    assert len(fy2020) == 9 and len({r["vendor"] for r in fy2020}) == 6
    assert sum(r["installed_fiscal_year"] == "2021" for r in rows) == 20
    assert {r["pole_type"] for r in rows} == {"サイネージ型", "ポール型"}
    for r in rows:
        assert LAT_RANGE[0] <= float(r["latitude"]) <= LAT_RANGE[1], r["pole_id"]
        assert LON_RANGE[0] <= float(r["longitude"]) <= LON_RANGE[1], r["pole_id"]
        assert len(r["latitude"].split(".")[1]) == 6
        sensors = r["sensors"].split("|")
        assert {"temperature", "humidity", "wifi"} <= set(sensors)
        assert r["pole_type"] != "サイネージ型" or "people" in sensors
        assert VENDOR_FORMAT[r["vendor"]] == r["feed_format"]
    assert all(n >= 8 for n in Counter(r["feed_format"] for r in rows).values())
    assert set(Counter(r["feed_format"] for r in rows)) == {"csv_sjis", "ngsi_v2", "jsonl"}


def test_replaced_device_closes_when_its_successor_opens_and_files_follow(run3: Path, log3: list[dict[str, Any]]) -> None:
    rows = list(csv.DictReader(io.StringIO((run3 / "register" / "devices.csv").read_text(encoding="utf-8"))))
    assert len(rows) == 30
    (entry,) = _entries(log3, "device_replaced")
    old = next(r for r in rows if r["device_id"] == entry["detail"]["old_device_id"])
    new = next(r for r in rows if r["device_id"] == entry["device_id"])
    assert new["device_id"].endswith("-B") and old["device_id"].endswith("-A")
    assert old["valid_to"] == new["valid_from"] == entry["start_utc"] and new["valid_to"] == ""
    assert all(r["valid_from"] == "2020-04-01T00:00:00Z" for r in rows if r["device_id"].endswith("-A"))
    old_times = [r[0] for r in _entry_readings(run3, log3, {"file": entry["detail"]["old_file"]})]
    new_times = [r[0] for r in _entry_readings(run3, log3, entry)]
    assert max(old_times) < entry["start_utc"] == min(new_times)
    pole = _pole(entry["pole_id"])
    later = [d for d in ("2026-11-03", "2026-11-04") if d > entry["day"]]
    for d in later:
        day_files = [p.name for p in sorted((run3 / "feeds" / pole.feed_format / d).glob(f"DEV-{pole.pole_id}-*"))]
        assert day_files in ([], [Path(entry["file"]).name])  # [] only if that file arrived late


def test_every_pole_day_has_a_file_on_time_or_late(run3: Path) -> None:
    files = [p for p in run3.rglob("*") if p.is_file() and "feeds" in p.parts]
    assert len(files) == 29 * 3 + 1  # + the second file of the replacement day


# --- formats ----------------------------------------------------------------------------------

def test_csv_is_cp932_crlf_with_the_vendor_header_and_empty_cells_for_missing_sensors(tmp_path: Path) -> None:
    simulate(START, 1, tmp_path, fault_rates=FaultRates.none())
    path = tmp_path / "feeds" / "csv_sjis" / "2026-11-02" / "DEV-NSJ-002-A.csv"  # no illuminance, pm25, people
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    text = data.decode("cp932")  # strict: fails on any byte that is not CP932
    assert "℃".encode("cp932") in data and "μ".encode("cp932") in data
    lines = text.split("\r\n")
    assert lines[0] == CSV_HEADER and lines[-1] == "" and len(lines) == 1 + 1440 + 1
    assert "\n" not in text.replace("\r\n", "")
    first = lines[1].split(",")
    assert first[:2] == ["2026/11/02 00:00", "DEV-NSJ-002-A"] and lines[1440].startswith("2026/11/02 23:59,")
    assert first[5] == first[7] == first[8] == first[9] == ""  # 照度, PM2.5, 人数 stay empty
    assert first[4] != "" and first[10] != ""


def test_duckdb_reads_the_csv_with_the_encodings_extension(run3: Path) -> None:
    con = duckdb.connect()
    con.execute(f"LOAD '{_encodings_extension()}'")
    path = run3 / "feeds" / "csv_sjis" / "2026-11-02" / "DEV-NSJ-001-A.csv"
    rel = con.sql(f"SELECT * FROM read_csv('{path}', encoding='shift_jis')")
    assert rel.columns == CSV_HEADER.split(",")
    first, count, device = con.sql(
        f"SELECT min(\"計測日時\"), count(*), any_value(\"機器ID\") FROM read_csv('{path}', encoding='shift_jis')"
    ).fetchone()
    assert first == datetime(2026, 11, 2, 0, 0) and count == 1440 and device == "DEV-NSJ-001-A"


def test_ngsi_entities_have_the_fixed_key_order_and_duckdb_reads_them(run3: Path) -> None:
    path = run3 / "feeds" / "ngsi_v2" / "2026-11-02" / "DEV-NSJ-019-A.json"  # carries every sensor
    entities = json.loads(path.read_bytes().decode("utf-8"))
    assert isinstance(entities, list) and len(entities) == 1440
    first = entities[0]
    assert list(first) == [
        "id", "type", "refDevice", "dateObserved", "temperature", "relativeHumidity", "atmosphericPressure",
        "illuminance", "noiseLevel", "pm25", "peopleCount", "wifiConnections",
    ]
    assert first["id"] == "urn:ngsi-ld:SmartPoleObserved:DEV-NSJ-019-A:20261101T1500"
    assert first["dateObserved"] == {"type": "DateTime", "value": "2026-11-01T15:00:00.000Z"}
    assert first["refDevice"] == {"type": "Text", "value": "DEV-NSJ-019-A"}
    assert first["temperature"]["metadata"] == {"unitCode": {"type": "Text", "value": "CEL"}}
    with_units = ("relativeHumidity", "atmosphericPressure", "illuminance", "noiseLevel", "pm25")
    assert [first[a]["metadata"]["unitCode"]["value"] for a in with_units] == ["P1", "HPA", "LUX", "2N", "GQ"]
    assert first["peopleCount"]["type"] == "StructuredValue" and set(first["peopleCount"]["value"]) == {"northbound", "southbound"}
    assert first["wifiConnections"] == {"type": "Number", "value": first["wifiConnections"]["value"]}
    lean = json.loads((run3 / "feeds" / "ngsi_v2" / "2026-11-02" / "DEV-NSJ-025-A.json").read_bytes())[0]
    assert "atmosphericPressure" not in lean and "peopleCount" not in lean and "noiseLevel" in lean
    con = duckdb.connect()
    rel = con.sql(f"SELECT * FROM read_json('{path}')")
    assert rel.columns == list(first)
    assert con.sql(f"SELECT count(*), min(dateObserved.value) FROM read_json('{path}')").fetchone() == (1440, datetime(2026, 11, 1, 15, 0))


def test_jsonl_is_long_and_ordered_by_time_then_metric_and_duckdb_reads_it(run3: Path) -> None:
    path = run3 / "feeds" / "jsonl" / "2026-11-02" / "DEV-NSJ-005-A.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert list(records[0]) == ["device_id", "ts", "metric", "value", "unit"]
    assert records[0]["ts"] == int(datetime(2026, 11, 1, 15, tzinfo=UTC).timestamp() * 1000)
    keys = [(r["ts"], r["metric"]) for r in records]
    assert keys == sorted(keys)
    metrics = set(pole_metrics(_pole("NSJ-005")))
    assert {r["metric"] for r in records} == metrics and len(records) == 1440 * len(metrics)
    assert {r["unit"] for r in records} == {CANONICAL[m] for m in metrics}
    con = duckdb.connect()
    rel = con.sql(f"SELECT * FROM read_json_auto('{path}')")
    assert rel.columns == ["device_id", "ts", "metric", "value", "unit"]
    assert con.sql(f"SELECT typeof(ts), count(DISTINCT ts) FROM read_json_auto('{path}') GROUP BY 1").fetchone() == ("BIGINT", 1440)


# --- faults: in the log and really in the files ----------------------------------------------

def test_the_default_rates_inject_every_kind_and_touch_few_readings(run3: Path, log3: list[dict[str, Any]]) -> None:
    manifest = json.loads((run3 / "_simulator" / "manifest.json").read_text(encoding="utf-8"))
    counts = Counter(e["kind"] for e in log3)
    assert set(counts) == set(FAULT_KINDS)
    assert manifest["counts"]["faults"] == {k: counts[k] for k in FAULT_KINDS}
    assert counts["device_replaced"] == 1
    assert [e["fault_id"] for e in log3] == [f"F{i:05d}" for i in range(1, len(log3) + 1)]
    assert list(log3[0]) == [
        "fault_id", "kind", "pole_id", "device_id", "format", "day", "file", "start_utc", "end_utc", "metric", "detail",
    ]
    assert manifest["counts"]["affected_readings"] / manifest["counts"]["readings"] < 0.06
    assert manifest["counts"]["readings"] == sum(len(pole_metrics(p)) for p in POLES) * 1440 * 3


def test_missing_interval_minutes_are_absent(run3: Path, log3: list[dict[str, Any]]) -> None:
    for e in _entries(log3, "missing_interval"):
        assert 15 <= e["detail"]["minutes"] <= 180
        times = {r[0] for r in _entry_readings(run3, log3, e)}
        assert not {t for t in times if e["start_utc"] <= t <= e["end_utc"]}
        start = datetime.fromisoformat(e["start_utc"].replace("Z", "+00:00"))
        expected = {(start + timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:00Z") for i in range(e["detail"]["minutes"])}
        assert e["end_utc"] in expected and len(expected) == e["detail"]["minutes"]


def test_duplicated_messages_follow_their_original_verbatim(run3: Path, log3: list[dict[str, Any]]) -> None:
    for e in _entries(log3, "duplicate_message"):
        raw = _raw_messages(_located(run3, log3, e["file"]))
        repeats = [raw[i] for i in range(len(raw) - 1) if raw[i] == raw[i + 1]]
        assert len(repeats) == e["detail"]["duplicated_messages"] == len(e["detail"]["messages"])
        readings = _entry_readings(run3, log3, e)
        for m in e["detail"]["messages"]:
            hits = Counter((t, metric) for t, metric, _, _ in readings if t == m["utc"])
            assert hits and all(n == 2 for (t, metric), n in hits.items() if m["metric"] in (None, metric))


def test_stuck_sensor_repeats_one_value(run3: Path, log3: list[dict[str, Any]]) -> None:
    for e in _entries(log3, "stuck_sensor"):
        assert 60 <= e["detail"]["minutes"] <= 240
        values = [v for t, m, v, _ in _entry_readings(run3, log3, e) if m == e["metric"] and e["start_utc"] <= t <= e["end_utc"]]
        assert len(values) == e["detail"]["minutes"] and set(values) == {e["detail"]["value"]}


def test_spikes_are_implausible_values_at_the_logged_minute(run3: Path, log3: list[dict[str, Any]]) -> None:
    for e in _entries(log3, "spike"):
        assert e["start_utc"] == e["end_utc"]
        values = [v for t, m, v, _ in _entry_readings(run3, log3, e) if m == e["metric"] and t == e["start_utc"]]
        assert values and set(values) == {e["detail"]["value"]} and e["detail"]["value"] != e["detail"]["original_value"]


def test_a_late_file_is_under_late_and_not_in_feeds(run3: Path, log3: list[dict[str, Any]]) -> None:
    for e in _entries(log3, "late_file"):
        arrival = date.fromisoformat(e["detail"]["arrival_day"])
        assert 2 <= (arrival - date.fromisoformat(e["day"])).days <= 5
        assert e["detail"]["path"] == f"_late/{arrival.isoformat()}/{e['file']}"
        assert (run3 / e["detail"]["path"]).is_file() and not (run3 / e["file"]).exists()


def test_a_timezone_mixed_csv_starts_at_1500_of_the_previous_day(run3: Path, log3: list[dict[str, Any]]) -> None:
    for e in _entries(log3, "timezone_mixup"):
        assert e["format"] == "csv_sjis"
        stamps = [row.split(",")[0] for row in _raw_messages(_located(run3, log3, e["file"]))]
        previous = date.fromisoformat(e["day"]) - timedelta(days=1)
        gap_at_start = any(
            x["kind"] == "missing_interval" and x["file"] == e["file"] and x["start_utc"] == e["start_utc"] for x in log3
        )
        assert stamps[0] == e["detail"]["first_timestamp_written"]
        assert gap_at_start or stamps[0] == previous.strftime("%Y/%m/%d 15:00")
        assert stamps[-1] == e["day"].replace("-", "/") + " 14:59"  # 23:59 JST written as UTC


def test_after_a_firmware_update_values_come_in_the_new_unit(run3: Path, log3: list[dict[str, Any]]) -> None:
    for e in _entries(log3, "unit_change"):
        assert e["format"] in ("ngsi_v2", "jsonl")
        readings = [(t, v, u) for t, m, v, u in _entry_readings(run3, log3, e) if m == e["metric"]]
        after = [(v, u) for t, v, u in readings if t >= e["start_utc"]]
        before = [u for t, v, u in readings if t < e["start_utc"]]
        assert after and {u for _, u in after} == {e["detail"]["to_unit"]}
        assert set(before) <= {e["detail"]["from_unit"]}
        if e["detail"]["to_unit"] == "degF":
            assert min(v for v, _ in after) > 35.0  # a November in °F, never in °C
        else:
            assert all(90.0 < v < 110.0 for v, _ in after)  # kPa
        if e["format"] == "ngsi_v2":
            raw = (_located(run3, log3, e["file"])).read_text(encoding="utf-8")
            assert f'"value": "{e["detail"]["to_unit_code"]}"' in raw


def test_a_one_day_run_still_gets_every_kind_but_a_replacement(tmp_path: Path) -> None:
    simulate(START, 1, tmp_path)
    kinds = {e["kind"] for e in _log(tmp_path)}
    assert kinds == set(FAULT_KINDS) - {"device_replaced"}


def test_rates_of_zero_inject_nothing_even_with_the_guarantee(tmp_path: Path) -> None:
    simulate(START, 2, tmp_path / "none", fault_rates=FaultRates.none())
    assert _log(tmp_path / "none") == []
    simulate(START, 2, tmp_path / "nospike", fault_rates=FaultRates(spike=0.0))
    kinds = {e["kind"] for e in _log(tmp_path / "nospike")}
    assert "spike" not in kinds and "missing_interval" in kinds


def test_rates_out_of_range_are_rejected() -> None:
    with pytest.raises(ValueError, match="spike"):
        FaultRates(spike=1.5)


# --- signals ----------------------------------------------------------------------------------

def test_days_are_brighter_at_noon_and_busier_at_the_morning_peak() -> None:
    weekday = day_context(20231001, START)
    readings = [generate_pole_day(p, weekday, 20231001) for p in POLES]
    lux = [r["illuminance"] for r in readings if "illuminance" in r]
    assert np.mean([x[12 * 60] for x in lux]) > 5_000 > np.mean([x[0] for x in lux]) == 0
    people = [r["people_northbound"] + r["people_southbound"] for r in readings if "people_northbound" in r]
    assert np.mean([x[8 * 60 + 30] for x in people]) > 5 * np.mean([x[3 * 60] for x in people])
    holiday = day_context(20231001, START + timedelta(days=1))  # 文化の日
    on_holiday = [generate_pole_day(p, holiday, 20231001) for p in POLES]
    held = [r["people_northbound"] + r["people_southbound"] for r in on_holiday if "people_northbound" in r]
    assert np.mean([x[8 * 60 + 30] for x in people]) > 2 * np.mean([x[8 * 60 + 30] for x in held])


def test_temperature_is_seasonal_with_a_morning_minimum_and_afternoon_maximum() -> None:
    hours = np.arange(1440) / 60
    shape = diurnal_shape(hours)
    assert hours[np.argmin(shape)] == 5.0 and hours[np.argmax(shape)] == 14.0
    january = day_context(1, date(2027, 1, 20)).temp_daily_mean.mean()
    august = day_context(1, date(2026, 8, 10)).temp_daily_mean.mean()
    assert january < 12.0 < august - 10.0


def test_vectorised_ar1_equals_the_recursion() -> None:
    fast = ar1(np.random.default_rng(3), 1440, 0.9, 1.0)
    rng = np.random.default_rng(3)
    e = rng.normal(0.0, np.sqrt(1 - 0.81), 1440)
    e[0] = rng.normal(0.0, 1.0)
    slow = np.empty(1440)
    slow[0] = e[0]
    for i in range(1, 1440):
        slow[i] = 0.9 * slow[i - 1] + e[i]
    assert np.allclose(fast, slow, atol=1e-9)


def test_japanese_holidays_include_substitute_and_sandwiched_days() -> None:
    holidays = japanese_holidays(2026)
    assert {date(2026, 11, 3), date(2026, 5, 6), date(2026, 9, 22), date(2026, 3, 20)} <= holidays
    assert is_day_off(date(2026, 11, 3)) and not is_day_off(date(2026, 11, 2))


# --- output folder and CLI --------------------------------------------------------------------

def test_a_rerun_replaces_the_previous_output(tmp_path: Path) -> None:
    simulate(START, 2, tmp_path)
    stale = tmp_path / "_late" / "2030-01-01" / "stale.csv"
    stale.parent.mkdir(parents=True)
    stale.write_text("x")
    simulate(START, 1, tmp_path)
    assert not stale.exists() and not (tmp_path / "feeds" / "csv_sjis" / "2026-11-03").exists()


def test_a_foreign_folder_is_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / "feeds").mkdir()
    (tmp_path / "feeds" / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError, match="manifest"):
        simulate(START, 1, tmp_path)
    assert (tmp_path / "feeds" / "keep.txt").read_text() == "mine"


def test_cli_simulates_into_the_given_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = subprocess.run(
        [TDPF, "simulate", "smart-poles", "--start", "2026-11-02", "--days", "2", "--out", str(out)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads((out / "_simulator" / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["start"], manifest["days"], manifest["seed"]) == ("2026-11-02", 2, 20231001)
    assert "device_replaced" in proc.stdout and "csv_sjis" in proc.stdout
    assert sorted(p.name for p in (out / "feeds" / "jsonl").iterdir()) == ["2026-11-02", "2026-11-03"]


def test_cli_defaults_to_the_landing_folder_of_tdpf_home(tmp_path: Path) -> None:
    home = tmp_path / "data"
    proc = subprocess.run(
        [TDPF, "simulate", "smart-poles", "--days", "1", "--seed", "5"],
        capture_output=True, text=True, timeout=120, check=False, env={"TDPF_HOME": str(home), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads((home / "landing" / "smart_poles" / "_simulator" / "manifest.json").read_text())["seed"] == 5
