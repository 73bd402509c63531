"""The register of the 29 simulated 西新宿 smart poles and their devices.

The Tokyo government set up 9 trial smart poles from 6 cooperating companies in FY2020 and
20 more in FY2021 in 西新宿. No real feed can be reached, so this register is fictional but
keeps what matters to an ingestion pipeline: real street positions (inside the 西新宿 box),
a vendor that always speaks one feed format, and sensors that differ from pole to pole.

Besides the published columns each pole carries a few *hidden* simulation parameters (foot
traffic, shade, local warmth): they make the 29 series differ the way real sites do (the
station exit is busier and louder than the park) without appearing in the register.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Literal

FeedFormat = Literal["csv_sjis", "ngsi_v2", "jsonl"]

#: The feed formats, in the order used for counts and documentation.
FEED_FORMATS: tuple[FeedFormat, ...] = ("csv_sjis", "ngsi_v2", "jsonl")

#: File extension of each feed format.
FORMAT_EXTENSION: dict[str, str] = {"csv_sjis": "csv", "ngsi_v2": "json", "jsonl": "jsonl"}

#: Sensors in register order; a pole's ``sensors`` column lists a subset in this order.
SENSORS: tuple[str, ...] = (
    "temperature", "humidity", "pressure", "illuminance", "noise", "pm25", "people", "wifi",
)

#: Each vendor delivers exactly one format: the ingestion side may key parsers on the vendor.
VENDOR_FORMAT: dict[str, FeedFormat] = {
    "vendor_a": "csv_sjis",
    "vendor_b": "ngsi_v2",
    "vendor_c": "jsonl",
    "vendor_d": "csv_sjis",
    "vendor_e": "ngsi_v2",
    "vendor_f": "jsonl",
}

#: Fictional company names behind the neutral vendor ids (documentation only).
VENDOR_NAMES: dict[str, str] = {
    "vendor_a": "西新宿スマートシティA社",
    "vendor_b": "西新宿スマートシティB社",
    "vendor_c": "西新宿スマートシティC社",
    "vendor_d": "西新宿スマートシティD社",
    "vendor_e": "西新宿スマートシティE社",
    "vendor_f": "西新宿スマートシティF社",
}

#: Every device of the register is valid from the start of FY2020 (UTC).
DEVICE_VALID_FROM = datetime(2020, 4, 1, tzinfo=timezone.utc)

#: Bounding box every pole lies in (WGS84): 西新宿 between 十二社通り and the station.
LAT_RANGE = (35.684, 35.696)
LON_RANGE = (139.684, 139.700)

POLES_CSV_COLUMNS: tuple[str, ...] = (
    "pole_id", "name", "name_en", "pole_type", "vendor", "installed_fiscal_year",
    "latitude", "longitude", "sensors", "feed_format",
)
DEVICES_CSV_COLUMNS: tuple[str, ...] = ("device_id", "pole_id", "valid_from", "valid_to")


@dataclass(frozen=True)
class Pole:
    """One smart pole: the published register row plus hidden simulation parameters.

    ``index`` (1–29) is part of every random seed, so a pole's series never depends on
    which other poles exist. The hidden parameters: ``people_scale`` multiplies foot
    traffic, ``north_share_am`` is the share of the weekday morning flow walking north,
    ``temp_offset`` (°C) and ``noise_offset`` (dB) model the site, ``shade`` (0–1) the
    part of daylight that reaches the light sensor between the towers.
    """

    index: int
    name: str
    name_en: str
    pole_type: str
    vendor: str
    installed_fiscal_year: int
    latitude: float
    longitude: float
    sensors: tuple[str, ...]
    people_scale: float
    north_share_am: float
    temp_offset: float
    noise_offset: float
    shade: float

    @property
    def pole_id(self) -> str:
        return f"NSJ-{self.index:03d}"

    @property
    def feed_format(self) -> FeedFormat:
        return VENDOR_FORMAT[self.vendor]

    def device_id(self, generation: str = "A") -> str:
        """``DEV-NSJ-001-A`` for the original device; ``-B`` for its replacement."""
        return f"DEV-{self.pole_id}-{generation}"

    def has(self, sensor: str) -> bool:
        return sensor in self.sensors


_S = "サイネージ型"
_P = "ポール型"

# (index, name, name_en, type, vendor, FY, lat, lon, optional sensors, people_scale,
#  north_share_am, temp_offset, noise_offset, shade).  Every pole has temperature,
#  humidity and wifi; サイネージ型 poles add people counters.
_ROWS: tuple[tuple, ...] = (
    # FY2020: the 9 trial poles of 6 companies, along 中央通り from the station to 都庁 and the park.
    (1, "新宿駅西口 中央通り入口", "Shinjuku Station West Exit, Chuo-dori entrance", _S, "vendor_a", 2020,
     35.690640, 139.697450, ("illuminance", "noise", "pm25"), 3.0, 0.35, 0.8, 3.0, 0.55),
    (2, "中央通り 工学院大学前", "Chuo-dori, Kogakuin University", _P, "vendor_a", 2020,
     35.690420, 139.696310, ("pressure", "noise"), 2.0, 0.40, 0.6, 2.0, 0.50),
    (3, "中央通り 新宿三井ビル前", "Chuo-dori, Shinjuku Mitsui Building", _S, "vendor_b", 2020,
     35.690210, 139.695120, ("illuminance", "noise"), 1.8, 0.45, 0.5, 1.5, 0.45),
    (4, "中央通り 京王プラザホテル南", "Chuo-dori, south of Keio Plaza Hotel", _P, "vendor_b", 2020,
     35.690080, 139.694050, ("pressure", "illuminance", "pm25"), 1.4, 0.45, 0.4, 1.0, 0.50),
    (5, "都庁前 中央通り", "Chuo-dori, in front of the Tokyo Metropolitan Government Building", _S, "vendor_c", 2020,
     35.689960, 139.693020, ("pressure", "illuminance", "noise", "pm25"), 1.3, 0.50, 0.3, 0.5, 0.65),
    (6, "都民広場", "Tomin Plaza", _S, "vendor_c", 2020,
     35.689780, 139.692400, ("illuminance", "noise"), 1.0, 0.55, 0.2, -1.5, 0.90),
    (7, "議事堂通り 都議会議事堂前", "Gijido-dori, Metropolitan Assembly Building", _P, "vendor_d", 2020,
     35.690550, 139.693350, ("pressure", "noise", "pm25"), 1.0, 0.60, 0.3, 1.0, 0.60),
    (8, "新宿中央公園 水の広場", "Shinjuku Central Park, Water Plaza", _P, "vendor_e", 2020,
     35.690300, 139.688300, ("illuminance", "pm25"), 0.6, 0.50, -0.6, -4.0, 0.95),
    (9, "公園通り 都庁第二本庁舎前", "Koen-dori, Tokyo Metropolitan Government No. 2 Building", _S, "vendor_f", 2020,
     35.688850, 139.690050, ("pressure", "noise"), 0.9, 0.55, 0.1, -1.0, 0.60),
    # FY2021: 20 more poles on 北通り, 南通り, 議事堂通り, around 都庁 and 新宿中央公園.
    (10, "北通り 西口", "Kita-dori, West Exit", _S, "vendor_a", 2021,
     35.691850, 139.697300, ("illuminance", "noise"), 2.4, 0.35, 0.7, 2.5, 0.55),
    (11, "北通り 西新宿一丁目", "Kita-dori, Nishi-Shinjuku 1-chome", _P, "vendor_d", 2021,
     35.691700, 139.695800, ("noise", "pm25"), 1.5, 0.40, 0.5, 1.5, 0.50),
    (12, "北通り 京王プラザホテル北", "Kita-dori, north of Keio Plaza Hotel", _P, "vendor_b", 2021,
     35.691550, 139.694200, ("pressure", "illuminance"), 1.2, 0.45, 0.4, 0.5, 0.50),
    (13, "北通り 議事堂通り交差点", "Kita-dori at Gijido-dori", _S, "vendor_e", 2021,
     35.691450, 139.693450, ("pressure", "noise", "pm25"), 1.1, 0.50, 0.3, 1.0, 0.60),
    (14, "南通り 西口", "Minami-dori, West Exit", _S, "vendor_c", 2021,
     35.689300, 139.697050, ("illuminance", "noise", "pm25"), 2.2, 0.30, 0.7, 2.5, 0.55),
    (15, "南通り 西新宿一丁目", "Minami-dori, Nishi-Shinjuku 1-chome", _P, "vendor_f", 2021,
     35.689050, 139.695500, ("pressure", "illuminance"), 1.3, 0.40, 0.5, 1.0, 0.50),
    (16, "南通り 議事堂通り交差点", "Minami-dori at Gijido-dori", _P, "vendor_a", 2021,
     35.688800, 139.693650, ("noise",), 1.0, 0.55, 0.3, 0.5, 0.60),
    (17, "議事堂通り 北", "Gijido-dori, north", _P, "vendor_d", 2021,
     35.692300, 139.693250, ("illuminance", "pm25"), 0.8, 0.60, 0.3, 0.5, 0.60),
    (18, "議事堂通り 南", "Gijido-dori, south", _P, "vendor_e", 2021,
     35.688200, 139.693750, ("pressure", "noise"), 0.8, 0.60, 0.3, 1.0, 0.60),
    (19, "都庁第一本庁舎 北側", "Tokyo Metropolitan Government No. 1 Building, north side", _S, "vendor_b", 2021,
     35.690350, 139.691700, ("pressure", "illuminance", "noise", "pm25"), 1.2, 0.55, 0.2, 0.0, 0.70),
    (20, "都庁第一本庁舎 南側", "Tokyo Metropolitan Government No. 1 Building, south side", _P, "vendor_c", 2021,
     35.688950, 139.691650, ("pressure", "pm25"), 0.9, 0.50, 0.2, -0.5, 0.70),
    (21, "公園通り 北", "Koen-dori, north", _P, "vendor_f", 2021,
     35.691200, 139.689950, ("illuminance", "noise", "pm25"), 0.7, 0.50, 0.0, -1.5, 0.75),
    (22, "新宿中央公園 ナイアガラの滝", "Shinjuku Central Park, Niagara Falls", _P, "vendor_d", 2021,
     35.690900, 139.688900, ("noise", "pm25"), 0.5, 0.50, -0.8, -3.0, 0.90),
    (23, "新宿中央公園 芝生広場", "Shinjuku Central Park, lawn", _P, "vendor_e", 2021,
     35.689500, 139.687200, ("pressure", "illuminance"), 0.4, 0.50, -0.9, -5.0, 1.00),
    (24, "新宿中央公園 北側", "Shinjuku Central Park, north side", _P, "vendor_a", 2021,
     35.691600, 139.686600, ("illuminance", "pm25"), 0.5, 0.50, -0.7, -3.5, 0.95),
    (25, "新宿中央公園 南側", "Shinjuku Central Park, south side", _P, "vendor_b", 2021,
     35.688400, 139.686400, ("noise",), 0.5, 0.50, -0.7, -3.0, 0.90),
    (26, "十二社通り 中央公園西", "Juniso-dori, west of Shinjuku Central Park", _P, "vendor_c", 2021,
     35.690000, 139.685200, ("noise", "pm25"), 0.8, 0.45, 0.1, 1.5, 0.70),
    (27, "新宿駅西口 地下広場出口", "Shinjuku Station West Exit, underground plaza exit", _S, "vendor_d", 2021,
     35.691150, 139.698300, ("illuminance", "noise", "pm25"), 3.0, 0.40, 0.9, 3.5, 0.40),
    (28, "西新宿一丁目 甲州街道口", "Nishi-Shinjuku 1-chome, Koshu-kaido entrance", _S, "vendor_e", 2021,
     35.688000, 139.697200, ("pressure", "noise", "pm25"), 1.6, 0.65, 0.6, 2.5, 0.55),
    (29, "西新宿二丁目 青梅街道口", "Nishi-Shinjuku 2-chome, Ome-kaido entrance", _S, "vendor_f", 2021,
     35.692800, 139.695000, ("illuminance", "noise"), 1.4, 0.30, 0.5, 2.0, 0.55),
)


def _sensors(pole_type: str, optional: tuple[str, ...]) -> tuple[str, ...]:
    base = {"temperature", "humidity", "wifi", *optional}
    if pole_type == _S:
        base.add("people")
    return tuple(s for s in SENSORS if s in base)


POLES: tuple[Pole, ...] = tuple(
    Pole(index=i, name=n, name_en=ne, pole_type=t, vendor=v, installed_fiscal_year=fy,
         latitude=lat, longitude=lon, sensors=_sensors(t, opt), people_scale=ps,
         north_share_am=nb, temp_offset=to, noise_offset=no, shade=sh)
    for (i, n, ne, t, v, fy, lat, lon, opt, ps, nb, to, no, sh) in _ROWS
)


def utc_iso(moment: datetime) -> str:
    """``2026-11-01T15:00:00Z``: the one UTC spelling used by registers and the fault log."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def poles_csv(poles: tuple[Pole, ...] = POLES) -> str:
    """The pole register as CSV text (header row, LF line ends; encode as UTF-8)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(POLES_CSV_COLUMNS)
    for p in poles:
        writer.writerow([
            p.pole_id, p.name, p.name_en, p.pole_type, p.vendor, p.installed_fiscal_year,
            f"{p.latitude:.6f}", f"{p.longitude:.6f}", "|".join(p.sensors), p.feed_format,
        ])
    return buf.getvalue()


@dataclass(frozen=True)
class DeviceValidity:
    """One row of the device register: which device spoke for which pole, and when."""

    device_id: str
    pole_id: str
    valid_from: datetime
    valid_to: datetime | None


def device_register(replacements: dict[str, datetime], poles: tuple[Pole, ...] = POLES) -> list[DeviceValidity]:
    """Device rows: device A of every pole, closed at its replacement moment, and device B.

    ``replacements`` maps a pole_id to the UTC minute the new device took over. The old
    device's ``valid_to`` equals the new one's ``valid_from``: the interval is half-open,
    so each minute belongs to exactly one device.
    """
    rows: list[DeviceValidity] = []
    for p in poles:
        replaced_at = replacements.get(p.pole_id)
        rows.append(DeviceValidity(p.device_id("A"), p.pole_id, DEVICE_VALID_FROM, replaced_at))
        if replaced_at is not None:
            rows.append(DeviceValidity(p.device_id("B"), p.pole_id, replaced_at, None))
    return sorted(rows, key=lambda r: r.device_id)


def devices_csv(rows: list[DeviceValidity]) -> str:
    """The device register as CSV text (header row, LF; ``valid_to`` empty while active)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(DEVICES_CSV_COLUMNS)
    for r in rows:
        writer.writerow([r.device_id, r.pole_id, utc_iso(r.valid_from), utc_iso(r.valid_to) if r.valid_to else ""])
    return buf.getvalue()
