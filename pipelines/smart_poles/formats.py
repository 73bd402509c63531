"""What each vendor format calls a metric and its unit, mapped to the platform's names.

One table per vendor format, so adding a vendor is adding a mapping, not code. Units are
kept as delivered; staging (dbt) converts them, so a firmware update that changes a unit is
repaired in one place and is visible in the raw data.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The formats, by folder name under ``landing/smart_poles/feeds/``.
FORMATS: tuple[str, ...] = ("csv_sjis", "ngsi_v2", "jsonl")
FILE_SUFFIX: dict[str, str] = {"csv_sjis": ".csv", "ngsi_v2": ".json", "jsonl": ".jsonl"}


@dataclass(frozen=True)
class CsvColumn:
    """A column of the Shift_JIS CSV format: its Japanese header, metric and unit."""

    header: str
    metric: str
    unit: str


#: csv_sjis: one row per minute, JST local time in 計測日時, device in 機器ID.
CSV_TIME_COLUMN = "計測日時"
CSV_DEVICE_COLUMN = "機器ID"
CSV_COLUMNS: tuple[CsvColumn, ...] = (
    CsvColumn("気温(℃)", "temperature", "degC"),
    CsvColumn("湿度(%)", "humidity", "pct"),
    CsvColumn("気圧(hPa)", "pressure", "hPa"),
    CsvColumn("照度(lx)", "illuminance", "lx"),
    CsvColumn("騒音(dB)", "noise", "dB"),
    CsvColumn("PM2.5(μg/m3)", "pm25", "ug/m3"),
    CsvColumn("人数_北行", "people_northbound", "persons"),
    CsvColumn("人数_南行", "people_southbound", "persons"),
    CsvColumn("WiFi接続数", "wifi_connections", "connections"),
)


@dataclass(frozen=True)
class NgsiAttribute:
    """An NGSI-v2 attribute: its name, the metric, and where its value sits."""

    attribute: str
    metric: str
    value_path: str  # SQL expression on the attribute struct
    unit: str | None  # fixed unit when the attribute carries no unitCode


#: ngsi_v2: an array of SmartPoleObserved entities, dateObserved in UTC, units as UN/CEFACT codes.
NGSI_ATTRIBUTES: tuple[NgsiAttribute, ...] = (
    NgsiAttribute("temperature", "temperature", "value", None),
    NgsiAttribute("relativeHumidity", "humidity", "value", None),
    NgsiAttribute("atmosphericPressure", "pressure", "value", None),
    NgsiAttribute("illuminance", "illuminance", "value", None),
    NgsiAttribute("noiseLevel", "noise", "value", None),
    NgsiAttribute("pm25", "pm25", "value", None),
    NgsiAttribute("peopleCount", "people_northbound", "value.northbound", "persons"),
    NgsiAttribute("peopleCount", "people_southbound", "value.southbound", "persons"),
    NgsiAttribute("wifiConnections", "wifi_connections", "value", "connections"),
)

#: UN/CEFACT common codes used by NGSI feeds → the platform's unit names.
UNCEFACT_UNITS: dict[str, str] = {
    "CEL": "degC", "FAH": "degF", "P1": "pct", "HPA": "hPa", "KPA": "kPa",
    "LUX": "lx", "2N": "dB", "GQ": "ug/m3",
}

#: Every metric the platform knows, with the canonical unit staging converts to.
CANONICAL_UNITS: dict[str, str] = {
    "temperature": "degC", "humidity": "pct", "pressure": "hPa", "illuminance": "lx",
    "noise": "dB", "pm25": "ug/m3", "people_northbound": "persons",
    "people_southbound": "persons", "wifi_connections": "connections",
}
