"""Where sample places are: real 町名, 丁目 and lot numbers, postcodes and phone area codes.

Addresses are what mapping and normalisation work hardest on, so the samples write them as
registers do: the embedded publishers' real 町名 (with the 大字 / 父島字 that addresses carry),
丁目 in kanji in 所在地_町字 but in digits in the legacy 住所, a building after a full-width
space. Points are generated inside the municipality's disc, not at the real town.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.standard.samples.text_habits import kanji_number, zenkaku_digits
from pipelines.standard.tokyo import Municipality

#: Tokyo's island municipalities: 伊豆諸島 (volcanic) and 小笠原村.
VOLCANIC_ISLANDS = frozenset({"133612", "133621", "133639", "133647", "133817", "133825", "134015", "134023"})
ISLANDS = VOLCANIC_ISLANDS | {"134210"}


@dataclass(frozen=True)
class Town:
    """A 町・字 of a municipality: name, reading, romaji, how many 丁目 it has (0: none)."""

    name: str
    kana: str
    romaji: str
    chome: int = 0
    prefix: str = ""  # written before the name in addresses only: 大字, 父島字

    @property
    def en(self) -> str:
        return self.romaji.capitalize()


def _towns(*rows: tuple) -> tuple[Town, ...]:
    return tuple(Town(*row) for row in rows)


#: Real 町名 of the embedded publishers (the coordinates of generated places are not theirs).
TOWNS_BY_CODE: dict[str, tuple[Town, ...]] = {
    "131041": _towns(
        ("西新宿", "ニシシンジュク", "nishishinjuku", 8), ("新宿", "シンジュク", "shinjuku", 7),
        ("歌舞伎町", "カブキチョウ", "kabukicho", 2), ("大久保", "オオクボ", "okubo", 3),
        ("百人町", "ヒャクニンチョウ", "hyakunincho", 4), ("高田馬場", "タカダノババ", "takadanobaba", 4),
        ("下落合", "シモオチアイ", "shimoochiai", 4), ("中落合", "ナカオチアイ", "nakaochiai", 4),
        ("上落合", "カミオチアイ", "kamiochiai", 3), ("戸山", "トヤマ", "toyama", 3),
        ("西早稲田", "ニシワセダ", "nishiwaseda", 3), ("北新宿", "キタシンジュク", "kitashinjuku", 4),
        ("四谷", "ヨツヤ", "yotsuya", 4), ("神楽坂", "カグラザカ", "kagurazaka", 6),
        ("市谷加賀町", "イチガヤカガチョウ", "ichigayakagacho", 2), ("若松町", "ワカマツチョウ", "wakamatsucho"),
        ("河田町", "カワダチョウ", "kawadacho"), ("信濃町", "シナノマチ", "shinanomachi"),
        ("余丁町", "ヨチョウマチ", "yochomachi"), ("弁天町", "ベンテンチョウ", "bentencho"),
        ("内藤町", "ナイトウマチ", "naitomachi"), ("山吹町", "ヤマブキチョウ", "yamabukicho"),
    ),
    "132012": _towns(
        ("元本郷町", "モトホンゴウチョウ", "motohongocho", 4), ("旭町", "アサヒチョウ", "asahicho"),
        ("明神町", "ミョウジンチョウ", "myojincho", 4), ("子安町", "コヤスマチ", "koyasumachi", 4),
        ("横山町", "ヨコヤマチョウ", "yokoyamacho"), ("八日町", "ヨウカマチ", "yokamachi"),
        ("南大沢", "ミナミオオサワ", "minamiosawa", 5), ("めじろ台", "メジロダイ", "mejirodai", 4),
        ("高尾町", "タカオマチ", "takaomachi"), ("長房町", "ナガブサマチ", "nagabusamachi"),
        ("石川町", "イシカワマチ", "ishikawamachi"), ("大和田町", "オオワダマチ", "owadamachi", 7),
        ("北野町", "キタノマチ", "kitanomachi"), ("散田町", "サンダマチ", "sandamachi", 5),
        ("館町", "タテマチ", "tatemachi"), ("堀之内", "ホリノウチ", "horinouchi", 3),
        ("別所", "ベッショ", "bessho", 2), ("寺田町", "テラダマチ", "teradamachi"),
        ("松木", "マツギ", "matsugi"), ("犬目町", "イヌメマチ", "inumemachi"),
    ),
    "133035": _towns(
        ("箱根ケ崎", "ハコネガサキ", "hakonegasaki", 0, "大字"), ("石畑", "イシハタ", "ishihata", 0, "大字"),
        ("殿ケ谷", "トノガヤ", "tonogaya", 0, "大字"), ("長岡", "ナガオカ", "nagaoka", 4),
        ("二本木", "ニホンギ", "nihongi", 0, "大字"), ("駒形富士山", "コマガタフジヤマ", "komagatafujiyama", 0, "大字"),
        ("高根", "タカネ", "takane", 0, "大字"), ("むさし野", "ムサシノ", "musashino", 3),
        ("富士山栗原新田", "フジヤマクリハラシンデン", "fujiyamakuriharashinden", 0, "大字"),
    ),
    "134210": _towns(
        ("東町", "ヒガシマチ", "higashimachi", 0, "父島字"), ("西町", "ニシマチ", "nishimachi", 0, "父島字"),
        ("奥村", "オクムラ", "okumura", 0, "父島字"), ("清瀬", "キヨセ", "kiyose", 0, "父島字"),
        ("扇浦", "オウギウラ", "ogiura", 0, "父島字"), ("小曲", "コマガリ", "komagari", 0, "父島字"),
        ("屏風谷", "ビョウブダニ", "byobudani", 0, "父島字"), ("長谷", "ナガタニ", "nagatani", 0, "父島字"),
    ),
}
#: 町名 common all over Japan, for every other publisher.
GENERIC_TOWNS: tuple[Town, ...] = _towns(
    ("本町", "ホンチョウ", "honcho", 4), ("栄町", "サカエチョウ", "sakaecho", 3), ("緑町", "ミドリチョウ", "midoricho", 4),
    ("旭町", "アサヒチョウ", "asahicho", 3), ("幸町", "サイワイチョウ", "saiwaicho", 3), ("中央", "チュウオウ", "chuo", 5),
    ("東町", "ヒガシチョウ", "higashicho", 3), ("西町", "ニシマチ", "nishimachi", 3), ("南町", "ミナミチョウ", "minamicho", 3),
    ("北町", "キタマチ", "kitamachi", 3), ("富士見町", "フジミチョウ", "fujimicho", 4), ("若葉町", "ワカバチョウ", "wakabacho", 3),
    ("桜町", "サクラマチ", "sakuramachi", 3), ("柳町", "ヤナギチョウ", "yanagicho", 2), ("宮前", "ミヤマエ", "miyamae", 3),
    ("青葉台", "アオバダイ", "aobadai", 4), ("松が丘", "マツガオカ", "matsugaoka", 3), ("泉町", "イズミチョウ", "izumicho", 2),
    ("日吉町", "ヒヨシチョウ", "hiyoshicho", 2), ("寿町", "コトブキチョウ", "kotobukicho", 3),
    ("住吉町", "スミヨシチョウ", "sumiyoshicho", 3), ("錦町", "ニシキチョウ", "nishikicho", 3),
    ("平和台", "ヘイワダイ", "heiwadai", 4), ("城山", "シロヤマ", "shiroyama", 2),
)

_AREA_CODES = {
    "130001": "03", "132039": "0422", "132047": "0422", "132195": "03", "132055": "0428", "133086": "0428",
    "133612": "04992", "133621": "04992", "133639": "04992", "133647": "04992", "133817": "04994",
    "133825": "04994", "134015": "04996", "134023": "04996", "134210": "04998",
}
_POSTAL_PREFIX = {
    "130001": "163", "131016": "100", "131024": "104", "131032": "105", "131041": "160", "131059": "112",
    "131067": "110", "131075": "130", "131083": "135", "131091": "141", "131105": "152", "131113": "144",
    "131121": "154", "131130": "150", "131148": "164", "131156": "166", "131164": "170", "131172": "114",
    "131181": "116", "131199": "173", "131202": "176", "131211": "120", "131229": "124", "131237": "132",
    "132012": "192", "132021": "190", "132039": "180", "132047": "181", "132055": "198", "132063": "183",
    "132071": "196", "132080": "182", "132098": "194", "132101": "184", "132110": "187", "132128": "191",
    "132136": "189", "132144": "185", "132152": "186", "132187": "197", "132195": "201", "132209": "207",
    "132217": "204", "132225": "203", "132233": "208", "132241": "206", "132250": "206", "132276": "205",
    "132284": "197", "132292": "188", "133035": "19012", "133051": "19001", "133078": "19002",
    "133086": "19802", "133612": "10001", "133621": "10003", "133639": "10004", "133647": "10006",
    "133817": "10011", "133825": "10013", "134015": "10014", "134023": "10017", "134210": "10021",
}


def postal_prefix(m: Municipality) -> str:
    """The leading digits of the municipality's postcodes (made up from its code where not listed)."""
    return _POSTAL_PREFIX.get(m.code) or f"{(int(m.code[:5]) * 37) % 900 + 100:03d}"


def area_code(m: Municipality) -> str:
    """The municipality's telephone area code (03 in the wards, 042 in most of Tama, the islands' own)."""
    if m.code in _AREA_CODES:
        return _AREA_CODES[m.code]
    if m.code.startswith("131"):
        return "03"
    if m.code.startswith("13"):
        return "042"
    return f"0{11 + int(m.code[:5]) % 89}"


def web_site(m: Municipality) -> str:
    """The body's web site, in the lg.jp / tokyo.jp style."""
    if m.is_prefecture:
        return "https://www.metro.tokyo.lg.jp" if m.code == "130001" else f"https://www.pref.{m.slug}.lg.jp"
    label = {"区": "city", "市": "city", "町": "town", "村": "vill"}[m.kind]
    suffix = "tokyo.jp" if m.code.startswith("13") and m.kind in ("町", "村") else "lg.jp"
    return f"https://www.{label}.{m.slug}.{suffix}"


@dataclass(frozen=True)
class Place:
    """A generated address and point inside a municipality."""

    muni: Municipality
    town: Town
    chome: int
    banchi: int
    go: int
    building: str
    lat: float
    lon: float
    postal: str

    @property
    def machiaza(self) -> str:
        """所在地_町字: the 町・字 with its 丁目 in kanji (``西新宿二丁目``)."""
        return self.town.prefix + self.town.name + (f"{kanji_number(self.chome)}丁目" if self.chome else "")

    @property
    def lot(self) -> str:
        """所在地_番地以下 (``8-1``)."""
        return f"{self.banchi}-{self.go}" if self.go else str(self.banchi)

    @property
    def local(self) -> str:
        """The address after the municipality (``西新宿二丁目8-1``)."""
        return self.machiaza + self.lot

    @property
    def full(self) -> str:
        """所在地_連結表記: prefecture through building (``東京都新宿区西新宿二丁目8-1　○○ビル``)."""
        head = self.muni.prefecture + self.muni.city + self.local
        return f"{head}　{self.building}" if self.building else head

    def legacy_address(self, zenkaku: bool) -> str:
        """住所 as legacy lists write it: ``東京都新宿区西新宿２丁目８番１号`` (digits optionally full-width)."""
        chome = f"{self.chome}丁目" if self.chome else ""
        lot = f"{self.banchi}番{self.go}号" if self.go else f"{self.banchi}番地"
        tail = chome + lot
        return (self.muni.prefecture + self.muni.city + self.town.prefix + self.town.name
                + (zenkaku_digits(tail) if zenkaku else tail))

    @property
    def address_fields(self) -> dict[str, str]:
        """The 正式版 所在地 columns and the point, as a record holds them."""
        return {
            "所在地_全国地方公共団体コード": self.muni.code, "町字ID": "", "所在地_連結表記": self.full,
            "所在地_都道府県": self.muni.prefecture, "所在地_市区町村": self.muni.city,
            "所在地_町字": self.machiaza, "所在地_番地以下": self.lot, "建物名等(方書)": self.building,
            "緯度": f"{self.lat:.6f}", "経度": f"{self.lon:.6f}",
        }
