"""The three vendor feed formats: Shift_JIS CSV, NGSI-v2 JSON and long JSON Lines.

Each writer turns one :class:`FileFrame` (one device, one JST day, faults already
decided) into the exact bytes a vendor would deliver. Formatting works column-wise on
numpy arrays and joins prebuilt string fragments; no per-reading objects are built, so a
month of 29 poles is written in seconds. Output is byte-deterministic: fixed key order,
fixed decimals, no clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import numpy as np

from pipelines.simulator.poles import FORMAT_EXTENSION
from pipelines.simulator.signals import CANONICAL_UNIT, DECIMALS, METRICS, MINUTES_PER_DAY

#: The CSV header, exactly as vendor A/D deliver it (encoded as CP932).
CSV_HEADER = "計測日時,機器ID,気温(℃),湿度(%),気圧(hPa),照度(lx),騒音(dB),PM2.5(μg/m3),人数_北行,人数_南行,WiFi接続数"

#: Firmware updates switch these metrics to another unit: (unit, decimals, conversion).
ALTERNATE_UNIT: dict[str, tuple[str, int, Callable[[np.ndarray], np.ndarray]]] = {
    "temperature": ("degF", 1, lambda c: c * 9.0 / 5.0 + 32.0),
    "pressure": ("kPa", 2, lambda hpa: hpa / 10.0),
}

#: UN/CEFACT common codes used as NGSI ``unitCode`` for each JSONL unit spelling.
UNIT_CODE: dict[str, str] = {
    "degC": "CEL", "degF": "FAH", "pct": "P1", "hPa": "HPA", "kPa": "KPA", "lx": "LUX", "dB": "2N", "ug/m3": "GQ",
}

#: NGSI-v2 attribute of each metric with a unit (people and Wi-Fi are built separately).
NGSI_ATTRIBUTE: dict[str, str] = {
    "temperature": "temperature", "humidity": "relativeHumidity", "pressure": "atmosphericPressure",
    "illuminance": "illuminance", "noise": "noiseLevel", "pm25": "pm25",
}


@dataclass(frozen=True)
class FileFrame:
    """Everything needed to write one feed file.

    ``values`` hold all 1440 minutes of the day in the units *as written* (after stuck
    values, spikes and unit conversion); ``minutes`` are the JST minute indices that
    appear in the file (its coverage minus missing intervals), ascending. A duplicate is
    ``(minute, None)`` for a whole message (CSV row, NGSI entity) or ``(minute, metric)``
    for one JSONL line. ``alternate_from`` maps a metric to the first minute written in
    its alternate unit (°F, kPa).
    """

    device_id: str
    day: date
    feed_format: str
    metrics: tuple[str, ...]
    values: dict[str, np.ndarray]
    minutes: np.ndarray
    duplicates: frozenset[tuple[int, str | None]] = frozenset()
    alternate_from: dict[str, int] = field(default_factory=dict)
    utc_timestamps: bool = False

    @property
    def feed_path(self) -> str:
        """``feeds/<format>/<day>/<device>.<ext>``: where the file belongs (and lands if on time)."""
        return f"feeds/{self.feed_format}/{self.day.isoformat()}/{self.device_id}.{FORMAT_EXTENSION[self.feed_format]}"


@dataclass(frozen=True)
class DayClock:
    """The 1440 minute stamps of one JST day in every spelling the formats use."""

    jst_csv: list[str]
    utc_csv: list[str]
    utc_iso: list[str]
    ngsi_time: list[str]
    ngsi_stamp: list[str]
    epoch_ms: list[str]


@lru_cache(maxsize=8)
def day_clock(day: date) -> DayClock:
    """Stamps for ``day`` (00:00–23:59 JST = previous day 15:00 – this day 14:59 UTC)."""
    local = np.datetime64(day.isoformat(), "m") + np.arange(MINUTES_PER_DAY).astype("timedelta64[m]")
    utc = local - np.timedelta64(9, "h")
    local_s = np.datetime_as_string(local, unit="m").tolist()  # 'YYYY-MM-DDTHH:MM'
    utc_s = np.datetime_as_string(utc, unit="m").tolist()
    ms = (utc.astype("datetime64[ms]").astype(np.int64)).tolist()
    return DayClock(
        jst_csv=[f"{s[0:4]}/{s[5:7]}/{s[8:10]} {s[11:16]}" for s in local_s],
        utc_csv=[f"{s[0:4]}/{s[5:7]}/{s[8:10]} {s[11:16]}" for s in utc_s],
        utc_iso=[f"{s}:00Z" for s in utc_s],
        ngsi_time=[f"{s}:00.000Z" for s in utc_s],
        ngsi_stamp=[f"{s[0:4]}{s[5:7]}{s[8:10]}T{s[11:13]}{s[14:16]}" for s in utc_s],
        epoch_ms=[str(v) for v in ms],
    )


def _format(values: np.ndarray, decimals: int) -> list[str]:
    if decimals == 0:
        return [str(v) for v in values.astype(np.int64).tolist()]
    return list(map(f"{{:.{decimals}f}}".format, values.tolist()))


def formatted_column(frame: FileFrame, metric: str) -> tuple[list[str], list[str]]:
    """(value strings, JSONL unit spellings) for all 1440 minutes of one metric."""
    values = frame.values[metric]
    unit = CANONICAL_UNIT[metric]
    switch = frame.alternate_from.get(metric)
    if switch is None:
        return _format(values, DECIMALS[metric]), [unit] * MINUTES_PER_DAY
    alt_unit, alt_decimals, _ = ALTERNATE_UNIT[metric]
    texts = _format(values[:switch], DECIMALS[metric]) + _format(values[switch:], alt_decimals)
    return texts, [unit] * switch + [alt_unit] * (MINUTES_PER_DAY - switch)


def _emit(frame: FileFrame, messages: list[str]) -> list[str]:
    """Pick the kept minutes' messages; a duplicated message follows its original."""
    dup = {m for m, metric in frame.duplicates if metric is None}
    out: list[str] = []
    for m in frame.minutes.tolist():
        out.append(messages[m])
        if m in dup:
            out.append(messages[m])
    return out


def write_csv_sjis(frame: FileFrame) -> bytes:
    """CP932, CRLF, one row per minute; JST ``YYYY/MM/DD HH:MM`` (UTC if the file is tz-mixed).

    Every column stays in the header; a sensor the pole lacks leaves its cells empty.
    """
    clock = day_clock(frame.day)
    empty = [""] * MINUTES_PER_DAY
    columns = [
        clock.utc_csv if frame.utc_timestamps else clock.jst_csv,
        [frame.device_id] * MINUTES_PER_DAY,
        *(formatted_column(frame, m)[0] if m in frame.metrics else empty for m in METRICS),
    ]
    rows = list(map(",".join, zip(*columns)))
    lines = [CSV_HEADER, *_emit(frame, rows)]
    return ("\r\n".join(lines) + "\r\n").encode("cp932")


def write_ngsi_v2(frame: FileFrame) -> bytes:
    """A JSON array of ``SmartPoleObserved`` entities, one per minute, one entity per line."""
    clock = day_clock(frame.day)
    dev = frame.device_id
    parts: list[list[str]] = [
        [f'{{"id": "urn:ngsi-ld:SmartPoleObserved:{dev}:{stamp}", "type": "SmartPoleObserved", '
         f'"refDevice": {{"type": "Text", "value": "{dev}"}}, '
         f'"dateObserved": {{"type": "DateTime", "value": "{t}"}}'
         for stamp, t in zip(clock.ngsi_stamp, clock.ngsi_time)]
    ]
    for metric, attr in NGSI_ATTRIBUTE.items():
        if metric in frame.metrics:
            texts, units = formatted_column(frame, metric)
            parts.append([
                f', "{attr}": {{"type": "Number", "value": {v}, '
                f'"metadata": {{"unitCode": {{"type": "Text", "value": "{UNIT_CODE[u]}"}}}}}}'
                for v, u in zip(texts, units)
            ])
    if "people_northbound" in frame.metrics:
        north, _ = formatted_column(frame, "people_northbound")
        south, _ = formatted_column(frame, "people_southbound")
        parts.append([
            f', "peopleCount": {{"type": "StructuredValue", "value": {{"northbound": {n}, "southbound": {s}}}}}'
            for n, s in zip(north, south)
        ])
    if "wifi_connections" in frame.metrics:
        wifi, _ = formatted_column(frame, "wifi_connections")
        parts.append([f', "wifiConnections": {{"type": "Number", "value": {w}}}' for w in wifi])
    parts.append(["}"] * MINUTES_PER_DAY)
    entities = list(map("".join, zip(*parts)))
    return ("[\n  " + ",\n  ".join(_emit(frame, entities)) + "\n]\n").encode("utf-8")


def write_jsonl(frame: FileFrame) -> bytes:
    """Long JSON Lines: one reading per line, ordered by ``ts`` then metric name."""
    clock = day_clock(frame.day)
    prefix = [f'{{"device_id": "{frame.device_id}", "ts": {ms}, "metric": "' for ms in clock.epoch_ms]
    metrics = sorted(frame.metrics)
    per_metric = []
    for metric in metrics:
        texts, units = formatted_column(frame, metric)
        per_metric.append([f'{p}{metric}", "value": {v}, "unit": "{u}"}}' for p, v, u in zip(prefix, texts, units)])
    per_minute = list(zip(*per_metric))
    dup = {(m, metric) for m, metric in frame.duplicates if metric is not None}
    dup_minutes = {m for m, _ in dup}
    lines: list[str] = []
    for m in frame.minutes.tolist():
        if m not in dup_minutes:
            lines.extend(per_minute[m])
            continue
        for metric, line in zip(metrics, per_minute[m]):
            lines.append(line)
            if (m, metric) in dup:
                lines.append(line)
    return ("\n".join(lines) + "\n").encode("utf-8")


WRITERS: dict[str, Callable[[FileFrame], bytes]] = {
    "csv_sjis": write_csv_sjis,
    "ngsi_v2": write_ngsi_v2,
    "jsonl": write_jsonl,
}
