"""東京都: the bureau's 250 OpenRoaming Wi-Fi sites, all over Tokyo, in the 正式版 shape.

A prefecture publishes for places in every municipality: the file's 全国地方公共団体コード is
東京都's own (130001) while each site's 所在地_全国地方公共団体コード is the municipality it
stands in. The sites are the kinds the bureau runs — the 都庁 buildings, tourist centres,
都立 parks, schools and hospitals, 都営 subway stations and housing, tax offices, island
branch offices and ports — one at least in each of the 62 municipalities, the rest weighted
towards the wards. Plain UTF-8, no BOM.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipelines.standard.samples.current_csv import current_rows
from pipelines.standard.samples.file_context import FileContext, file_rng
from pipelines.standard.samples.files import csv_bytes, write_file
from pipelines.standard.samples.places import ISLANDS
from pipelines.standard.samples.registry_files import RegistryEntrySpec
from pipelines.standard.samples.spec_columns import CURRENT_COLUMNS
from pipelines.standard.tokyo import Municipality, tokyo_metropolis, tokyo_municipalities

CODE = "130001"
WIFI = "public-wifi-access-points"
#: Sets and row counts.
ROWS: dict[str, int] = {WIFI: 250}
FILE = f"municipal/{CODE}/{CODE}_public_wireless_lan_openroaming.csv"


def publisher() -> Municipality:
    """東京都 itself."""
    return tokyo_metropolis()


_ISLAND_OFFICES = {
    "133612": ("大島支庁", "オオシマシチョウ", "Oshima Branch Office"),
    "133621": ("大島支庁利島出張所", "オオシマシチョウトシマシュッチョウジョ", "Oshima Branch Office Toshima Office"),
    "133639": ("大島支庁新島出張所", "オオシマシチョウニイジマシュッチョウジョ", "Oshima Branch Office Niijima Office"),
    "133647": ("大島支庁神津島出張所", "オオシマシチョウコウヅシマシュッチョウジョ", "Oshima Branch Office Kozushima Office"),
    "133817": ("三宅支庁", "ミヤケシチョウ", "Miyake Branch Office"),
    "133825": ("三宅支庁御蔵島出張所", "ミヤケシチョウミクラジマシュッチョウジョ", "Miyake Branch Office Mikurajima Office"),
    "134015": ("八丈支庁", "ハチジョウシチョウ", "Hachijo Branch Office"),
    "134023": ("八丈支庁青ヶ島出張所", "ハチジョウシチョウアオガシマシュッチョウジョ", "Hachijo Branch Office Aogashima Office"),
    "134210": ("小笠原支庁", "オガサワラシチョウ", "Ogasawara Branch Office"),
}
#: (name, reading, English, municipality, installer, area) of sites that exist once.
_BUREAU_LANDMARKS = (
    ("東京都庁第一本庁舎", "トウキョウトチョウダイイチホンチョウシャ", "Tokyo Metropolitan Government Building No 1", "131041",
     "東京都", "1階・2階ロビー、45階展望室"),
    ("東京都庁第二本庁舎", "トウキョウトチョウダイニホンチョウシャ", "Tokyo Metropolitan Government Building No 2", "131041",
     "東京都", "1階ロビー"),
    ("東京都議会議事堂", "トウキョウトギカイギジドウ", "Tokyo Metropolitan Assembly Building", "131041", "東京都議会", "1階都民ホール"),
    ("東京観光情報センターバスタ新宿", "トウキョウカンコウジョウホウセンターバスタシンジュク",
     "Tokyo Tourist Information Center Busta Shinjuku", "131130", "東京都産業労働局", "センター内"),
    ("東京観光情報センター羽田空港", "トウキョウカンコウジョウホウセンターハネダクウコウ",
     "Tokyo Tourist Information Center Haneda Airport", "131113", "東京都産業労働局", "センター内"),
    ("東京観光情報センター多摩", "トウキョウカンコウジョウホウセンタータマ", "Tokyo Tourist Information Center Tama", "132021",
     "東京都産業労働局", "センター内"),
    ("東京都立中央図書館", "トウキョウトリツチュウオウトショカン", "Tokyo Metropolitan Central Library", "131032",
     "東京都教育委員会", "閲覧室・ロビー"),
    ("東京都立多摩図書館", "トウキョウトリツタマトショカン", "Tokyo Metropolitan Tama Library", "132144", "東京都教育委員会",
     "閲覧室・ロビー"),
    ("東京都檜原都民の森", "トウキョウトヒノハラトミンノモリ", "Hinohara Tomin no Mori", "133078", "東京都産業労働局",
     "森林館周辺"),
)
_HIGH_SCHOOL_TAILS = (("", "", ""), ("東", "ヒガシ", "Higashi"), ("西", "ニシ", "Nishi"), ("南", "ミナミ", "Minami"),
                      ("北", "キタ", "Kita"), ("総合", "ソウゴウ", "Sogo"))


def _bureau_site(ctx: FileContext, kind: str, muni: Municipality) -> tuple[str, str, str, str, str] | None:
    """(name, reading, English, installer, area) of one site of ``kind`` in ``muni``."""
    rng = ctx.rng
    town = ctx.town(muni)
    if kind == "tax":
        return (f"{muni.stem}都税事務所", f"{muni.stem_kana}トゼイジムショ", f"{muni.stem_en} Metropolitan Tax Office",
                "東京都主税局", "1階窓口フロア")
    if kind == "subway":
        return (f"都営地下鉄{town.name}駅", f"トエイチカテツ{town.kana}エキ", f"Toei Subway {town.en} Station",
                "東京都交通局", "改札付近")
    if kind == "park":
        return (f"都立{town.name}公園", f"トリツ{town.kana}コウエン", f"Tokyo Metropolitan {town.en} Park",
                "東京都建設局", rng.choice(("サービスセンター周辺", "園内休憩所周辺", "中央広場")))
    if kind == "hospital":
        return (f"都立{muni.stem}病院", f"トリツ{muni.stem_kana}ビョウイン", f"Tokyo Metropolitan {muni.stem_en} Hospital",
                "東京都立病院機構", "外来待合・1階ロビー")
    if kind == "school":
        tail, tail_kana, tail_en = rng.choice(_HIGH_SCHOOL_TAILS)
        return (f"都立{muni.stem}{tail}高等学校", f"トリツ{muni.stem_kana}{tail_kana}コウトウガッコウ",
                f"Tokyo Metropolitan {muni.stem_en} {tail_en} High School".replace("  ", " "),
                "東京都教育委員会", "体育館（避難所開設時）")
    if kind == "housing":
        return (f"都営{town.name}アパート集会所", f"トエイ{town.kana}アパートシュウカイジョ", f"Toei {town.en} Apartments Meeting Room",
                "東京都住宅政策本部", "集会所内")
    if kind == "port":
        return (f"{muni.stem}港船客待合所", f"{muni.stem_kana}コウセンキャクマチアイジョ", f"{muni.stem_en} Port Passenger Terminal",
                "東京都港湾局", "待合所内")
    return None


def _bureau_kinds(muni: Municipality) -> tuple[tuple[str, float], ...]:
    if muni.code in ISLANDS:
        return (("port", 1.0),)
    if muni.kind == "区":
        return (("subway", 5.0), ("park", 2.0), ("housing", 1.5), ("school", 1.5), ("hospital", 0.3))
    if muni.kind == "市":
        return (("school", 2.0), ("park", 2.0), ("housing", 1.0), ("hospital", 0.3))
    return (("park", 1.0), ("school", 0.5))


def _bureau_records(seed: int, n: int) -> list[dict[str, Any]]:
    """東京都's OpenRoaming sites: landmarks, one site in every municipality, the rest by weight."""
    bureau = tokyo_metropolis()
    ctx = FileContext(bureau, file_rng(seed, bureau, "public-wifi-access-points"))
    rng = ctx.rng
    munis = {m.code: m for m in tokyo_municipalities()}
    sites: list[tuple[tuple[str, str, str, str, str], Municipality]] = []

    def add(site: tuple[str, str, str, str, str] | None, muni: Municipality) -> bool:
        if site is None or site[0] in ctx.names:
            return False
        ctx.names.add(site[0])
        sites.append((site, muni))
        return True

    for name, kana, en, code, installer, area in _BUREAU_LANDMARKS:
        add((name, kana, en, installer, area), munis[code])
    for code, (name, kana, en) in _ISLAND_OFFICES.items():
        add((name, kana, en, "東京都総務局", "庁舎1階"), munis[code])
    covered = {m.code for _, m in sites}
    for muni in munis.values():  # every municipality has at least one site
        if muni.code not in covered:
            first = {"区": "tax", "市": "school"}.get(muni.kind, "park")
            for _ in range(20):
                if add(_bureau_site(ctx, first, muni), muni):
                    break
    for muni in (m for m in munis.values() if m.kind == "区"):  # a tax office in every ward
        add(_bureau_site(ctx, "tax", muni), muni)
    weights = [{"区": 6.0, "市": 2.0}.get(m.kind, 0.2 if m.code in ISLANDS else 0.6) for m in munis.values()]
    attempts = 0
    while len(sites) < n and attempts < 100 * n:
        attempts += 1
        muni = rng.choices(list(munis.values()), weights)[0]
        kinds, kind_weights = zip(*_bureau_kinds(muni), strict=True)
        add(_bureau_site(ctx, rng.choices(kinds, kind_weights)[0], muni), muni)
    if len(sites) < n:
        raise RuntimeError(f"could not make {n} distinct OpenRoaming sites")
    records = []
    for i, ((name, kana, en, installer, area), muni) in enumerate(sites[:n]):
        place = ctx.place(muni=muni, building_p=0.1)
        r: dict[str, Any] = {"全国地方公共団体コード": bureau.code, "法人番号": bureau.corporate_number,
                             "ID": f"EE{bureau.code}{i + 1:04d}", "地方公共団体名": bureau.full_name,
                             "名称": name, "名称_カナ": kana, "名称_英語": ctx.maybe(en, 0.7), "_place": place}
        r.update(place.address_fields)
        r["設置者"] = installer
        r["電話番号"] = ctx.maybe(ctx.phone(muni), 0.4)
        r["郵便番号"] = ctx.maybe(place.postal, 0.6)
        r["SSID"] = "OpenRoaming" if rng.random() < 0.7 else "Passpoint"
        r["提供エリア"] = area
        r["URL"] = ctx.maybe("https://www.digitalservice.metro.tokyo.lg.jp/business/openroaming", 0.3)
        r["備考"] = ctx.maybe(rng.choice(("令和5年3月運用開始", "既存Wi-FiからOpenRoamingへ切替", "災害時は認証なしで開放")), 0.3)
        records.append(r)
    return records


def write(landing: Path, seed: int) -> list[Path]:
    """Write the OpenRoaming file under ``landing``."""
    rows = current_rows(WIFI, _bureau_records(seed, ROWS[WIFI]))
    return [write_file(landing / FILE, csv_bytes(CURRENT_COLUMNS[WIFI], rows, "utf-8"))]


def registry_entries() -> list[RegistryEntrySpec]:
    """What ``130001_tokyo.yaml`` lists for the generated file (the smart-pole register is the simulator's)."""
    return [RegistryEntrySpec(CODE, "tokyo-openroaming-wifi", WIFI, FILE, "csv", "current", encoding="utf-8")]
