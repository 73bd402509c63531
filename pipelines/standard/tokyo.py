"""Tokyo's municipalities as publishers, and made-up publishers for scale tests.

The platform's embedded default publishes for Tokyo: the 62 municipalities (23 特別区, 26 市,
5 町, 8 村 — the island towns and villages included) and 東京都 itself. They are kept in
``tokyo_municipalities.yaml`` beside this module with their 全国地方公共団体コード, names and
an approximate centre and radius that sample generators use to place points inside them.
Every code's check digit is verified when the file is loaded, so a typo there fails loudly
instead of attributing data to another body.

:func:`synthetic_publishers` makes up further publishers — valid codes outside Tokyo that no
real body uses — so a benchmark can scale to the 1,788 local governments of Japan.
"""

from __future__ import annotations

import functools
import math
import random
import re
from dataclasses import dataclass
from pathlib import Path

from pipelines.standard.normalise import check_digit
from pipelines.yaml_files import load_yaml

MUNICIPALITIES_PATH = Path(__file__).with_name("tokyo_municipalities.yaml")
TOKYO_CODE = "130001"
#: What a municipality's kind is (東京都 itself is 都).
MUNICIPAL_KINDS = ("区", "市", "町", "村")
#: How many municipalities of each kind Tokyo has.
TOKYO_KIND_COUNTS = {"区": 23, "市": 26, "町": 5, "村": 8}
_KIND_EN = {"区": "City", "市": "City", "町": "Town", "村": "Village"}
_KIND_KANA = {"区": ("ク",), "市": ("シ",), "町": ("マチ", "チョウ"), "村": ("ムラ", "ソン")}
_EARTH_KM_PER_DEGREE = 111.32

#: The 47 prefectures by number (the first two digits of every 全国地方公共団体コード).
PREFECTURES: dict[str, tuple[str, str]] = {
    "01": ("北海道", "Hokkaido"), "02": ("青森県", "Aomori"), "03": ("岩手県", "Iwate"),
    "04": ("宮城県", "Miyagi"), "05": ("秋田県", "Akita"), "06": ("山形県", "Yamagata"),
    "07": ("福島県", "Fukushima"), "08": ("茨城県", "Ibaraki"), "09": ("栃木県", "Tochigi"),
    "10": ("群馬県", "Gunma"), "11": ("埼玉県", "Saitama"), "12": ("千葉県", "Chiba"),
    "13": ("東京都", "Tokyo"), "14": ("神奈川県", "Kanagawa"), "15": ("新潟県", "Niigata"),
    "16": ("富山県", "Toyama"), "17": ("石川県", "Ishikawa"), "18": ("福井県", "Fukui"),
    "19": ("山梨県", "Yamanashi"), "20": ("長野県", "Nagano"), "21": ("岐阜県", "Gifu"),
    "22": ("静岡県", "Shizuoka"), "23": ("愛知県", "Aichi"), "24": ("三重県", "Mie"),
    "25": ("滋賀県", "Shiga"), "26": ("京都府", "Kyoto"), "27": ("大阪府", "Osaka"),
    "28": ("兵庫県", "Hyogo"), "29": ("奈良県", "Nara"), "30": ("和歌山県", "Wakayama"),
    "31": ("鳥取県", "Tottori"), "32": ("島根県", "Shimane"), "33": ("岡山県", "Okayama"),
    "34": ("広島県", "Hiroshima"), "35": ("山口県", "Yamaguchi"), "36": ("徳島県", "Tokushima"),
    "37": ("香川県", "Kagawa"), "38": ("愛媛県", "Ehime"), "39": ("高知県", "Kochi"),
    "40": ("福岡県", "Fukuoka"), "41": ("佐賀県", "Saga"), "42": ("長崎県", "Nagasaki"),
    "43": ("熊本県", "Kumamoto"), "44": ("大分県", "Oita"), "45": ("宮崎県", "Miyazaki"),
    "46": ("鹿児島県", "Kagoshima"), "47": ("沖縄県", "Okinawa"),
}


class MunicipalityError(ValueError):
    """The municipality list is inconsistent (bad code, wrong count, duplicate)."""


def is_valid_code(code: str) -> bool:
    """True for 6 half-width digits of prefecture 01–47 whose 6th digit is the check digit."""
    return (
        isinstance(code, str)
        and re.fullmatch(r"[0-9]{6}", code) is not None
        and code[:2] in PREFECTURES
        and check_digit(code[:5]) == code[5]
    )


def with_check_digit(five: str) -> str:
    """``13104`` → ``131041``: append the check digit (spec §1.1)."""
    return five + check_digit(five)


@dataclass(frozen=True)
class Municipality:
    """A publishing body: code, name, kind and a disc inside it where sample points may go.

    ``name`` is written as 地方公共団体名 writes it after the prefecture (``新宿区``); see
    :attr:`full_name` for prefecture + municipality. ``district`` is the 郡 that addresses
    put before a town or village (``西多摩郡``), empty otherwise.
    """

    code: str
    name: str
    kind: str
    name_en: str
    lat: float
    lon: float
    radius_km: float
    name_kana: str = ""
    district: str = ""

    @property
    def prefecture(self) -> str:
        """The prefecture's name (``東京都``), from the code's first two digits."""
        return PREFECTURES[self.code[:2]][0]

    @property
    def is_prefecture(self) -> bool:
        return self.code[2:5] == "000"

    @property
    def full_name(self) -> str:
        """地方公共団体名 as the standard writes it: ``東京都新宿区``; ``東京都`` for the prefecture."""
        return self.name if self.is_prefecture else self.prefecture + self.name

    @property
    def city(self) -> str:
        """The municipality as an address writes it after the prefecture (``西多摩郡瑞穂町``)."""
        return "" if self.is_prefecture else self.district + self.name

    @property
    def stem(self) -> str:
        """The name without its kind (``新宿`` of 新宿区), as facility names use it."""
        return self.name[:-1] if self.kind in MUNICIPAL_KINDS and self.name.endswith(self.kind) else self.name

    @property
    def stem_kana(self) -> str:
        """The reading of :attr:`stem` (``シンジュク``), when the reading is known."""
        for suffix in _KIND_KANA.get(self.kind, ()):
            if self.name_kana.endswith(suffix):
                return self.name_kana[: -len(suffix)]
        return self.name_kana

    @property
    def stem_en(self) -> str:
        """The English name without its kind (``Shinjuku`` of Shinjuku City)."""
        return re.sub(r"\s+(City|Town|Village|Ward)$", "", self.name_en)

    @property
    def slug(self) -> str:
        """A lowercase ASCII slug for file names and source ids (``shinjuku``; ``tokyo`` for 東京都)."""
        if self.is_prefecture:
            return PREFECTURES[self.code[:2]][1].lower()
        return re.sub(r"[^a-z0-9]+", "-", self.stem_en.lower()).strip("-") or self.code

    @property
    def corporate_number(self) -> str:
        """The body's 13-digit 法人番号: check digit + ``000020`` + the 6-digit code (国税庁's rule)."""
        base = "000020" + self.code
        total = sum(int(d) * (1 if n % 2 else 2) for n, d in enumerate(reversed(base), start=1))
        return str(9 - total % 9) + base

    def distance_km(self, lat: float, lon: float) -> float:
        """Distance from the centre (equirectangular; fine at municipal scale)."""
        dy = (lat - self.lat) * _EARTH_KM_PER_DEGREE
        dx = (lon - self.lon) * _EARTH_KM_PER_DEGREE * math.cos(math.radians(self.lat))
        return math.hypot(dx, dy)

    def contains(self, lat: float, lon: float) -> bool:
        """True when the point lies in the municipality's disc (centre, ``radius_km``)."""
        return self.distance_km(lat, lon) <= self.radius_km

    def random_point(self, rng: random.Random, fraction: float = 0.9) -> tuple[float, float]:
        """A point drawn uniformly from the disc of ``fraction × radius_km`` around the centre."""
        r = self.radius_km * fraction * math.sqrt(rng.random())
        theta = rng.random() * 2 * math.pi
        dlat = r * math.sin(theta) / _EARTH_KM_PER_DEGREE
        dlon = r * math.cos(theta) / (_EARTH_KM_PER_DEGREE * math.cos(math.radians(self.lat)))
        return self.lat + dlat, self.lon + dlon


def _municipality(raw: object, where: str) -> Municipality:
    if not isinstance(raw, dict):
        raise MunicipalityError(f"{where}: expected a mapping; found {raw!r}")
    known = {"code", "name", "kind", "name_en", "name_kana", "district", "lat", "lon", "radius_km"}
    unknown = set(raw) - known
    missing = {"code", "name", "kind", "name_en", "lat", "lon", "radius_km"} - set(raw)
    if unknown or missing:
        raise MunicipalityError(f"{where}: unknown keys {sorted(unknown)}, missing keys {sorted(missing)}")
    code = str(raw["code"])
    if not is_valid_code(code):
        expected = check_digit(code[:5]) if re.fullmatch(r"[0-9]{6}", code) else "?"
        raise MunicipalityError(f"{where} ({raw['name']}): code {code!r} is not a valid 全国地方公共団体コード "
                                f"(6 digits whose check digit is {expected})")
    m = Municipality(code=code, name=str(raw["name"]), kind=str(raw["kind"]), name_en=str(raw["name_en"]),
                     lat=float(raw["lat"]), lon=float(raw["lon"]), radius_km=float(raw["radius_km"]),
                     name_kana=str(raw.get("name_kana", "")), district=str(raw.get("district", "")))
    if not (20.0 <= m.lat <= 46.0 and 122.0 <= m.lon <= 154.0) or not 0 < m.radius_km <= 20:
        raise MunicipalityError(f"{where} ({m.name}): centre or radius outside Japan / implausible")
    return m


@functools.cache
def _load(path: Path = MUNICIPALITIES_PATH) -> tuple[Municipality, tuple[Municipality, ...]]:
    raw = load_yaml(path, MunicipalityError)
    prefecture = _municipality(raw.get("prefecture"), f"{path.name}: prefecture")
    if prefecture.code != TOKYO_CODE:
        raise MunicipalityError(f"{path.name}: prefecture code must be {TOKYO_CODE}; found {prefecture.code}")
    items = tuple(_municipality(r, f"{path.name}: municipalities[{i}]")
                  for i, r in enumerate(raw.get("municipalities") or []))
    counts = {k: sum(m.kind == k for m in items) for k in MUNICIPAL_KINDS}
    if counts != TOKYO_KIND_COUNTS:
        raise MunicipalityError(f"{path.name}: expected {TOKYO_KIND_COUNTS} municipalities by kind; found {counts}")
    for label, values in (("code", [m.code for m in items]), ("name", [m.name for m in items])):
        duplicates = sorted({v for v in values if values.count(v) > 1})
        if duplicates:
            raise MunicipalityError(f"{path.name}: duplicate {label}s {duplicates}")
    outside = [m.code for m in items if not m.code.startswith("13")]
    if outside:
        raise MunicipalityError(f"{path.name}: codes outside Tokyo (13…): {outside}")
    return prefecture, items


def tokyo_municipalities() -> tuple[Municipality, ...]:
    """The 62 municipalities of Tokyo in code order (23 区, 26 市, 5 町, 8 村)."""
    return _load()[1]


def tokyo_metropolis() -> Municipality:
    """東京都 itself (130001): the publisher of the bureau's own registers."""
    return _load()[0]


def tokyo_municipality(key: str) -> Municipality:
    """One municipality by code (``131041``) or name (``新宿区``); 東京都 by ``130001``/``東京都``."""
    prefecture, items = _load()
    for m in (prefecture, *items):
        if key in (m.code, m.name, m.full_name):
            return m
    raise KeyError(f"no Tokyo municipality {key!r}")


# --------------------------------------------------------------------------------------
# Made-up publishers for the scale benchmark
# --------------------------------------------------------------------------------------

#: Municipal numbers 800–999 (3rd–5th digits): no real body of any prefecture has one
#: (real numbers stop at 700), so a made-up publisher can never be mistaken for a real one.
SYNTHETIC_NUMBERS = range(800, 1000)

#: Per prefecture: a point on one of Japan's four main islands well inland, and the radius (km)
#: a publisher's centre may lie from it — chosen so that the centre plus the publisher's own
#: radius (at most 3 km) stays on land. 13 (Tokyo) is excluded because Tokyo's own
#: bodies are real; 47 (Okinawa) because it lies off the main islands.
_PREFECTURE_ANCHORS: dict[str, tuple[float, float, float]] = {
    "01": (43.40, 142.60, 30), "02": (40.70, 140.60, 8), "03": (39.55, 141.20, 20),
    "04": (38.55, 140.95, 12), "05": (39.70, 140.40, 15), "06": (38.40, 140.30, 15),
    "07": (37.55, 140.35, 12), "08": (36.35, 140.30, 10), "09": (36.55, 139.80, 15),
    "10": (36.45, 139.00, 15), "11": (36.00, 139.40, 12), "12": (35.55, 140.26, 10),
    "14": (35.45, 139.40, 8), "15": (37.40, 138.95, 15), "16": (36.60, 137.10, 8),
    "17": (36.40, 136.60, 8), "18": (35.95, 136.30, 8), "19": (35.65, 138.55, 10),
    "20": (36.20, 138.00, 12), "21": (35.60, 137.05, 15), "22": (35.15, 138.35, 10),
    "23": (35.15, 137.20, 10), "24": (34.70, 136.30, 10), "25": (34.90, 136.20, 6),
    "26": (35.15, 135.50, 12), "27": (34.70, 135.60, 6), "28": (35.05, 134.85, 15),
    "29": (34.50, 135.85, 8), "30": (34.10, 135.45, 8), "31": (35.35, 133.85, 6),
    "32": (35.10, 132.70, 10), "33": (34.90, 133.80, 12), "34": (34.65, 132.75, 12),
    "35": (34.20, 131.55, 10), "36": (33.95, 134.20, 10), "37": (34.20, 133.95, 5),
    "38": (33.75, 132.90, 10), "39": (33.70, 133.40, 10), "40": (33.50, 130.65, 12),
    "41": (33.30, 130.15, 6), "42": (32.76, 130.28, 2), "43": (32.80, 130.85, 12),
    "44": (33.10, 131.35, 10), "45": (32.15, 131.20, 10), "46": (31.85, 130.55, 8),
}
_NAME_HEADS = (
    ("青葉", "アオバ", "aoba"), ("朝日", "アサヒ", "asahi"), ("若葉", "ワカバ", "wakaba"), ("光", "ヒカリ", "hikari"),
    ("緑", "ミドリ", "midori"), ("桜", "サクラ", "sakura"), ("松", "マツ", "matsu"), ("竹", "タケ", "take"),
    ("梅", "ウメ", "ume"), ("白", "シラ", "shira"), ("黒", "クロ", "kuro"), ("大", "オオ", "o"),
    ("小", "コ", "ko"), ("高", "タカ", "taka"), ("長", "ナガ", "naga"), ("富士", "フジ", "fuji"),
    ("星", "ホシ", "hoshi"), ("月", "ツキ", "tsuki"), ("日向", "ヒナタ", "hinata"), ("千代", "チヨ", "chiyo"),
    ("八幡", "ヤワタ", "yawata"), ("三春", "ミハル", "miharu"), ("本", "モト", "moto"), ("新", "ニイ", "nii"),
    ("古", "フル", "furu"), ("東", "ヒガシ", "higashi"), ("西", "ニシ", "nishi"), ("南", "ミナミ", "minami"),
    ("北", "キタ", "kita"), ("中", "ナカ", "naka"), ("泉", "イズミ", "izumi"), ("杉", "スギ", "sugi"),
    ("柏", "カシワ", "kashiwa"), ("藤", "フジ", "fuji"), ("菊", "キク", "kiku"), ("鶴", "ツル", "tsuru"),
    ("亀", "カメ", "kame"), ("鷹", "タカ", "taka"), ("石", "イシ", "ishi"), ("岩", "イワ", "iwa"),
)
_NAME_TAILS = (
    ("台", "ダイ", "dai"), ("野", "ノ", "no"), ("原", "ハラ", "hara"), ("沢", "サワ", "sawa"), ("岡", "オカ", "oka"),
    ("浜", "ハマ", "hama"), ("里", "サト", "sato"), ("丘", "オカ", "oka"), ("崎", "サキ", "saki"), ("瀬", "セ", "se"),
    ("谷", "タニ", "tani"), ("浦", "ウラ", "ura"), ("森", "モリ", "mori"), ("宮", "ミヤ", "miya"), ("田", "タ", "ta"),
    ("山", "ヤマ", "yama"), ("坂", "サカ", "saka"), ("平", "ヒラ", "hira"), ("川", "カワ", "kawa"), ("木", "キ", "ki"),
    ("見", "ミ", "mi"), ("津", "ツ", "tsu"), ("井", "イ", "i"), ("尾", "オ", "o"), ("部", "ベ", "be"),
)
#: Roughly Japan's mix of 市 (792), 町 (743) and 村 (183).
_SYNTHETIC_KINDS = (("市", 0.46), ("町", 0.43), ("村", 0.11))
_SYNTHETIC_KIND_KANA = {"市": "シ", "町": "マチ", "村": "ムラ"}


def synthetic_prefectures() -> tuple[str, ...]:
    """Prefecture numbers synthetic publishers are drawn from (01–46 without 13)."""
    return tuple(sorted(_PREFECTURE_ANCHORS))


def synthetic_publishers(n: int, seed: int) -> tuple[Municipality, ...]:
    """``n`` made-up publishers with valid, unique codes outside Tokyo, in code order.

    Codes use municipal numbers 800–999 (see :data:`SYNTHETIC_NUMBERS`), so they collide
    neither with Tokyo's nor with any real body's; names are composed (``青葉台市``, reading
    ``アオバダイシ``, ``Aobadai City``) and unique within their prefecture; each centre lies
    inland on one of the four main islands with a radius of 1–3 km. The same ``(n, seed)``
    always gives the same publishers.
    """
    if n < 0:
        raise ValueError(f"n must be 0 or more; got {n}")
    prefectures = synthetic_prefectures()
    capacity = len(prefectures) * len(SYNTHETIC_NUMBERS)
    if n > capacity:
        raise ValueError(f"at most {capacity} synthetic publishers can be made; asked for {n}")
    rng = random.Random(f"synthetic-publishers:{seed}")
    pool = [(p, number) for p in prefectures for number in SYNTHETIC_NUMBERS]
    chosen = sorted(rng.sample(pool, n))
    names_used: dict[str, set[str]] = {}
    result = []
    kinds, weights = zip(*_SYNTHETIC_KINDS, strict=True)
    for prefecture, number in chosen:
        code = with_check_digit(f"{prefecture}{number:03d}")
        used = names_used.setdefault(prefecture, set())
        while True:
            head, tail = rng.choice(_NAME_HEADS), rng.choice(_NAME_TAILS)
            kind = rng.choices(kinds, weights)[0]
            name = head[0] + tail[0] + kind
            if name not in used:
                used.add(name)
                break
        anchor_lat, anchor_lon, anchor_km = _PREFECTURE_ANCHORS[prefecture]
        anchor = Municipality(code, name, kind, "", anchor_lat, anchor_lon, anchor_km)
        lat, lon = anchor.random_point(rng, fraction=1.0)
        result.append(Municipality(
            code=code, name=name, kind=kind,
            name_en=f"{(head[2] + tail[2]).capitalize()} {_KIND_EN[kind]}",
            lat=round(lat, 4), lon=round(lon, 4), radius_km=round(rng.uniform(1.0, 3.0), 1),
            name_kana=head[1] + tail[1] + _SYNTHETIC_KIND_KANA[kind],
        ))
    return tuple(result)
