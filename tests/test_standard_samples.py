"""The sample registers and Tokyo's municipality list: deterministic, decodable, as documented.

The embedded samples feed the platform's default build and the quarantine tests, so what
they promise is checked here against the files themselves: same bytes for the same seed,
strict decoding in the declared encoding, merged workbook headers, registry files that match
the files, and the deliberately bad rows exactly where ``EMBEDDED_BAD_ROWS`` says.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import time
import unicodedata
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import yaml

from pipelines.standard import samples
from pipelines.standard.samples import (
    CURRENT_COLUMNS,
    EMBEDDED_BAD_ROWS,
    ENGLISH_DESIGNS,
    LEGACY_COLUMNS,
    SETS,
    XLSX_DESIGNS,
    kanji_number,
    registry_document,
    registry_file_name,
    wareki,
    write_embedded_samples,
    write_benchmark_registers,
)
from pipelines.standard.tokyo import (
    Municipality,
    synthetic_publishers,
    tokyo_metropolis,
    tokyo_municipalities,
    tokyo_municipality,
)

REPO = Path(__file__).resolve().parent.parent
REGISTRY = REPO / "pipelines" / "sources" / "registry"
REALDATA = REPO.parent / "shared" / "realdata"
ENTRY_KEYS = {"id", "dataset", "file", "root", "format", "encoding", "sheet", "header_row", "header_rows", "layout",
              "columns", "fixed", "licence"}
EMBEDDED_CODES = ("130001", "131041", "132012", "133035", "134210")
CODE_COLUMNS = ("全国地方公共団体コード", "所在地_全国地方公共団体コード", "都道府県コード又は市区町村コード", "市区町村コード")
LAT_COLUMNS, LON_COLUMNS = ("緯度", "lat", "所在地_緯度"), ("経度", "lon", "所在地_経度")


def check_digit(five: str) -> int:
    """Spec §1.1, written out independently of the code under test."""
    total = sum(weight * int(digit) for weight, digit in zip((6, 5, 4, 3, 2), five, strict=True))
    return (11 - total % 11) % 10


def valid_code(code: str) -> bool:
    return bool(re.fullmatch(r"\d{6}", code)) and 1 <= int(code[:2]) <= 47 and check_digit(code[:5]) == int(code[5])


def sha256_tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("landing")
    write_embedded_samples(root)
    return root


def registry_files() -> list[Path]:
    return sorted(REGISTRY.glob("*.yaml"))


def embedded_entries() -> list[tuple[str, dict]]:
    """(publisher code, entry) of the checked-in registry files of the embedded samples."""
    out = []
    for path in registry_files():
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        code = str(document["publisher"]["code"])
        if code in EMBEDDED_CODES:
            # files this generator writes (the smart-pole register is the simulator's)
            out.extend((code, entry) for entry in document["sources"] if entry["file"].startswith("municipal/"))
    return out


def read_table(landing: Path, entry: dict) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header, [(line, cells)]) of a registry entry's file, as the registry describes it."""
    path = landing / entry["file"]
    if entry["format"] == "xlsx":
        ws = openpyxl.load_workbook(path)[entry["sheet"]]
        grid = [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
        for merged in ws.merged_cells.ranges:
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    grid[r - 1][c - 1] = grid[merged.min_row - 1][merged.min_col - 1]
        last, count = entry["header_row"], entry["header_rows"]
        parts = grid[last - count:last]
        header = []
        for i in range(len(parts[0])):
            names: list[str] = []
            for part in (p[i] for p in parts):
                if part and part not in names:
                    names.append(part)
            header.append("_".join(names))
        return header, [(n, row) for n, row in enumerate(grid[last:], start=last + 1) if any(row)]
    text = path.read_bytes().decode(entry["encoding"])
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], [(n, row) for n, row in enumerate(rows[1:], start=2)]


# --- determinism ----------------------------------------------------------------------


def test_same_seed_writes_identical_bytes_and_another_seed_does_not(tmp_path: Path, landing: Path) -> None:
    first = sha256_tree(landing)
    write_embedded_samples(tmp_path / "again")
    assert sha256_tree(tmp_path / "again") == first
    write_embedded_samples(tmp_path / "other", seed=7)
    other = sha256_tree(tmp_path / "other")
    assert other.keys() == first.keys()
    assert all(other[k] != first[k] for k in first)


def test_written_paths_come_back_in_a_stable_order(tmp_path: Path, landing: Path) -> None:
    paths = write_embedded_samples(tmp_path / "a")
    assert [p.relative_to(tmp_path / "a") for p in paths] == [p.relative_to(tmp_path / "b")
                                                                for p in write_embedded_samples(tmp_path / "b")]
    assert {p.relative_to(tmp_path / "a").as_posix() for p in paths} == set(sha256_tree(landing))
    assert [p.parent.name for p in paths] == sorted((p.parent.name for p in paths), key=("131041", "132012",
                                                    "133035", "134210", "130001").index)


def test_benchmark_registers_are_deterministic_and_cover_eight_sets_in_three_shapes(tmp_path: Path) -> None:
    publishers = tokyo_municipalities()[:3]
    entries = write_benchmark_registers(tmp_path / "a", publishers, seed=3, rows_per_set=5)
    write_benchmark_registers(tmp_path / "b", publishers, seed=3, rows_per_set=5)
    assert sha256_tree(tmp_path / "a") == sha256_tree(tmp_path / "b")
    assert len(entries) == 8 * 3
    shapes = []
    for pub in publishers:
        own = [e for e in entries if e.publisher_code == pub.code]
        assert sorted(e.dataset for e in own) == sorted(SETS)
        shapes.append({(e.format, e.encoding, e.layout) for e in own})
        document = registry_document(pub, own)
        assert document["publisher"] == {"code": pub.code, "name": pub.full_name, "name_en": pub.name_en}
        for source in document["sources"]:
            assert set(source) <= ENTRY_KEYS and source["root"] == "landing"
            assert (tmp_path / "a" / source["file"]).is_file()
    assert shapes == [{("csv", "cp932", "legacy")}, {("xlsx", None, "custom")}, {("csv", "utf-8", "custom")}]
    ids = [e.id for e in entries]
    assert len(set(ids)) == len(ids)


def test_sixty_two_publishers_times_eight_sets_generate_well_under_a_minute(tmp_path: Path) -> None:
    start = time.perf_counter()
    entries = write_benchmark_registers(tmp_path, tokyo_municipalities(), seed=1)
    elapsed = time.perf_counter() - start
    assert len(entries) == 62 * 8
    assert elapsed < 45, f"took {elapsed:.1f} s"


# --- encodings and workbook ------------------------------------------------------------


@pytest.mark.parametrize("code,entry", embedded_entries(), ids=lambda v: v["id"] if isinstance(v, dict) else v)
def test_each_file_decodes_strictly_in_its_declared_encoding(landing: Path, code: str, entry: dict) -> None:
    data = (landing / entry["file"]).read_bytes()
    if entry["format"] == "xlsx":
        assert data[:2] == b"PK"
        return
    text = data.decode(entry["encoding"], errors="strict")
    if entry["encoding"] == "utf-8-sig":
        assert data.startswith(b"\xef\xbb\xbf")
    else:
        assert not data.startswith(b"\xef\xbb\xbf") and not text.startswith("\ufeff")
    if entry["encoding"] == "cp932":
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")  # really Shift_JIS, not ASCII that happens to decode


def test_shinjuku_writes_the_old_habits(landing: Path) -> None:
    text = "".join((landing / f"municipal/131041/131041_{slug}.csv").read_bytes().decode("cp932")
                   for slug in ("aed", "preschool", "cultural_property", "population", "public_facility"))
    assert "令和元年5月1日" in text and "平成31年4月1日" in text and "平成元年" in text and "令和5年10月1日" in text
    assert re.search(r"[０-９]丁目", text) and re.search(r"０３－\d|０３－[０-９]", text)
    assert re.search(r"[ｦ-ﾟ]{3,}", text), "some 名称_カナ in half-width katakana"
    header = (landing / "municipal/131041/131041_aed.csv").read_bytes().decode("cp932").splitlines()[0]
    assert header.split(",") == list(LEGACY_COLUMNS["aed-locations"])


def test_hachioji_workbook_has_title_rows_and_merged_two_row_headers(landing: Path) -> None:
    wb = openpyxl.load_workbook(landing / samples.HACHIOJI_WORKBOOK)
    assert wb.sheetnames == ["指定緊急避難場所一覧", "公衆トイレ一覧", "公共施設一覧"]
    for ws in wb.worksheets:
        merged = {str(r) for r in ws.merged_cells.ranges}
        assert ws["A1"].value.startswith("東京都八王子市") and any(r.startswith("A1:") for r in merged)
        assert "A2:A3" in merged  # 番号 spans both header rows
        groups = [r for r in ws.merged_cells.ranges if r.min_row == r.max_row == 2]
        assert any(ws.cell(2, g.min_col).value == "所在地" for g in groups)
    toilets = wb["公衆トイレ一覧"]
    group_names = {toilets.cell(2, r.min_col).value for r in toilets.merged_cells.ranges if r.min_row == r.max_row == 2}
    assert {"名称", "所在地", "男性用", "女性用", "男女共用", "設備", "利用時間"} <= group_names
    flags = [c.value for row in wb["指定緊急避難場所一覧"].iter_rows(min_row=4) for c in row]
    assert "○" in flags


# --- registry files ----------------------------------------------------------------------


@pytest.mark.parametrize("path", registry_files(), ids=lambda p: p.name)
def test_registry_file_parses_with_required_keys_and_its_files_exist(landing: Path, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("#"), "a comment on top says what the file is"
    document = yaml.safe_load(text)
    assert set(document) <= {"publisher", "licence", "sources"} and {"publisher", "sources"} <= set(document)
    publisher = document["publisher"]
    assert set(publisher) <= {"code", "name", "name_en"} and {"code", "name"} <= set(publisher)
    assert isinstance(publisher["code"], str) and valid_code(publisher["code"])
    assert path.name.startswith(publisher["code"] + "_") or path.name.startswith("realdata_" + publisher["code"] + "_")
    assert document["sources"]
    for entry in document["sources"]:
        assert set(entry) <= ENTRY_KEYS and {"id", "dataset", "file"} <= set(entry)
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", entry["id"])
        assert entry["dataset"] in CURRENT_COLUMNS
        for key in ("columns", "fixed"):
            assert set(entry.get(key) or {}) <= set(CURRENT_COLUMNS[entry["dataset"]]), f"{entry['id']}: {key}"
        if entry.get("root", "landing") == "landing":
            if entry["file"].startswith("municipal/"):  # the smart-pole register is the simulator's
                assert (landing / entry["file"]).is_file(), entry["file"]
        elif REALDATA.is_dir():
            assert (REALDATA / entry["file"]).is_file(), entry["file"]


def test_source_ids_are_unique_across_the_registry() -> None:
    ids = [e["id"] for p in registry_files() for e in yaml.safe_load(p.read_text(encoding="utf-8"))["sources"]]
    assert len(ids) == len(set(ids))


def test_checked_in_registry_files_are_what_the_generator_describes() -> None:
    for publisher, entries in samples.embedded_registry():
        path = REGISTRY / registry_file_name(publisher)
        assert yaml.safe_load(path.read_text(encoding="utf-8")) == registry_document(publisher, entries), path.name
    assert {registry_file_name(p) for p, _ in samples.embedded_registry()} == {
        "130001_tokyo.yaml", "131041_shinjuku.yaml", "132012_hachioji.yaml", "133035_mizuho.yaml",
        "134210_ogasawara.yaml"}


@pytest.mark.parametrize("code,entry", [(c, e) for c, e in embedded_entries() if e["layout"] == "custom"],
                         ids=lambda v: v["id"] if isinstance(v, dict) else v)
def test_custom_mappings_name_columns_the_file_really_has(landing: Path, code: str, entry: dict) -> None:
    header, _ = read_table(landing, entry)
    for target, expression in entry["columns"].items():
        sources = re.findall(r"\{([^{}]+)\}", expression) if "{" in expression else [expression]
        for name in sources:
            assert name in header, f"{entry['id']}: {target} ← {name!r} not in {header}"


@pytest.mark.parametrize("code,entry", [(c, e) for c, e in embedded_entries() if e["layout"] != "custom"],
                         ids=lambda v: v["id"] if isinstance(v, dict) else v)
def test_legacy_and_current_files_have_the_spec_header_byte_for_byte(landing: Path, code: str, entry: dict) -> None:
    header, _ = read_table(landing, entry)
    expected = (LEGACY_COLUMNS if entry["layout"] == "legacy" else CURRENT_COLUMNS)[entry["dataset"]]
    assert tuple(header) == expected


def test_publisher_layouts_fill_only_columns_the_spec_has() -> None:
    """Column lists are read from the spec; the publishers' own layouts are typed, so they must name its columns."""
    from pipelines.standard.spec import load_spec

    spec = load_spec()
    assert set(SETS) <= set(spec.ids)
    for set_id in SETS:
        names = set(spec.get(set_id).column_names)
        for design in (XLSX_DESIGNS[set_id], ENGLISH_DESIGNS[set_id]):
            assert {c.std for c in design if c.std} <= names, set_id


def test_renamed_legacy_columns_are_filled_through_the_spec_mapping() -> None:
    from pipelines.standard.samples.spec_columns import column_kind, legacy_source

    assert legacy_source("public-toilets", "多機能トイレ数") == "バリアフリートイレ数"
    assert legacy_source("public-facilities", "方書") == "建物名等(方書)"
    assert legacy_source("public-facilities", "利用可能日時特記事項") == "利用可能時間特記事項"
    assert legacy_source("emergency-evacuation-sites", "市区町村コード") == "市区町村コード"
    assert legacy_source("public-facilities", "バリアフリー情報") == "バリアフリー情報"  # the spec maps it to nothing
    assert column_kind("public-toilets", legacy_source("public-toilets", "多機能トイレ数")) == "count"


# --- the bad rows, and only they --------------------------------------------------------

_ERA = {"明治": 1868, "大正": 1912, "昭和": 1926, "平成": 1989, "令和": 2019}


def _date_ok(value: str) -> bool:
    v = unicodedata.normalize("NFKC", value)
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", v):
        y, mo, d = map(int, m.groups())
    elif m := re.fullmatch(r"(明治|大正|昭和|平成|令和)(元|\d{1,2})年(\d{1,2})月(\d{1,2})日", v):
        y = _ERA[m.group(1)] + (1 if m.group(2) == "元" else int(m.group(2))) - 1
        mo, d = int(m.group(3)), int(m.group(4))
    else:
        return False
    try:
        date(y, mo, d)
    except ValueError:
        return False
    return True


def _row_problems(header: list[str], cells: list[str], publisher: Municipality) -> list[str]:
    problems = []
    row = dict(zip(header, cells, strict=False))
    for column in CODE_COLUMNS:
        value = unicodedata.normalize("NFKC", row.get(column, ""))
        if value and not (valid_code(value) or (len(value) == 5 and value == publisher.code[:5])):
            problems.append(column)
    lat = next((row[c] for c in LAT_COLUMNS if row.get(c)), None)
    lon = next((row[c] for c in LON_COLUMNS if row.get(c)), None)
    if lat is not None or lon is not None:
        if lat is None or lon is None or not (20 <= float(lat) <= 46 and 122 <= float(lon) <= 154):
            problems.append("coordinates")
        else:
            located = row.get("所在地_全国地方公共団体コード") or publisher.code
            muni = publisher if located == publisher.code else tokyo_municipality(located)
            if not muni.contains(float(lat), float(lon)):
                problems.append("outside its municipality")
    for column in ("認可等年月日", "文化財指定日", "調査年月日", "licensed_on", "designated_on", "指定年月日", "認可年月日"):
        if row.get(column) and not _date_ok(row[column]):
            problems.append(column)
    return problems


def test_bad_rows_are_exactly_where_documented(landing: Path) -> None:
    found = set()
    for code, entry in embedded_entries():
        publisher = tokyo_metropolis() if code == "130001" else tokyo_municipality(code)
        header, rows = read_table(landing, entry)
        for line, cells in rows:
            if _row_problems(header, cells, publisher):
                found.add((entry["file"], entry["id"], line))
    assert found == {(b.file, b.source_id, b.line) for b in EMBEDDED_BAD_ROWS}
    assert len({b.file for b in EMBEDDED_BAD_ROWS}) == len(EMBEDDED_BAD_ROWS), "one bad row per file"


def test_documented_bad_rows_hold_the_documented_values(landing: Path) -> None:
    entries = {e["id"]: e for _, e in embedded_entries()}
    for bad in EMBEDDED_BAD_ROWS:
        header, rows = read_table(landing, entries[bad.source_id])
        cells = dict(rows)[bad.line]
        assert ",".join(cells[header.index(c)] for c in bad.columns) == bad.value


def test_bureau_sites_spread_over_many_municipalities(landing: Path) -> None:
    entry = next(e for c, e in embedded_entries() if c == "130001")
    header, rows = read_table(landing, entry)
    assert len(rows) == 250
    column = header.index("所在地_全国地方公共団体コード")
    located = {cells[column] for _, cells in rows}
    assert located == {m.code for m in tokyo_municipalities()}  # every municipality has at least one site
    assert {cells[0] for _, cells in rows} == {"130001"}
    assert {cells[header.index("SSID")] for _, cells in rows} == {"OpenRoaming", "Passpoint"}
    names = [cells[header.index("名称")] for _, cells in rows]
    assert len(set(names)) == 250
    for word in ("都庁", "都立", "公園", "図書館", "都営地下鉄", "病院", "都税事務所"):
        assert any(word in n for n in names), word


# --- the platform's own mapper agrees (quarantine only where documented) ------------------


@pytest.mark.parametrize("code,entry", embedded_entries(), ids=lambda v: v["id"] if isinstance(v, dict) else v)
def test_platform_mapper_quarantines_only_the_documented_rows(landing: Path, code: str, entry: dict) -> None:
    from pipelines.standard.ingest import map_publishers
    from pipelines.standard.registry import load_registry
    from pipelines.standard.spec import load_spec

    spec = load_spec()
    registry = load_registry(REGISTRY, frozenset(spec.ids))
    report = map_publishers(registry, spec, [code], landing, REALDATA)
    (mapped,) = [m for m in report.mapped if m.source.id == entry["id"]]
    expected = [b.line for b in EMBEDDED_BAD_ROWS if b.source_id == entry["id"]]
    assert mapped.quarantined_lines == expected
    assert [i for i in mapped.issues if i.severity == "warning"] == []


# --- Tokyo and the made-up publishers ---------------------------------------------------


def test_tokyo_has_62_municipalities_with_valid_check_digits() -> None:
    munis = tokyo_municipalities()
    assert len(munis) == 62
    assert {k: sum(m.kind == k for m in munis) for k in "区市町村"} == {"区": 23, "市": 26, "町": 5, "村": 8}
    assert all(valid_code(m.code) and m.code.startswith("13") for m in munis)
    assert len({m.code for m in munis}) == 62 and len({m.name for m in munis}) == 62
    assert [m.code for m in munis] == sorted(m.code for m in munis)
    assert tokyo_municipality("131041").full_name == "東京都新宿区"
    assert tokyo_municipality("瑞穂町").city == "西多摩郡瑞穂町"
    islands = {"大島町", "利島村", "新島村", "神津島村", "三宅村", "御蔵島村", "八丈町", "青ヶ島村", "小笠原村"}
    assert islands <= {m.name for m in munis}
    chichijima = tokyo_municipality("小笠原村")
    assert chichijima.distance_km(27.09, 142.19) < 3
    assert all(m.radius_km <= 5 and m.name_en and m.name_kana for m in munis)
    bureau = tokyo_metropolis()
    assert (bureau.code, bureau.full_name, bureau.slug) == ("130001", "東京都", "tokyo") and valid_code(bureau.code)
    assert bureau.corporate_number == "8000020130001"


def test_known_codes_match_the_spec_examples() -> None:
    for name, code in (("千代田区", "131016"), ("新宿区", "131041"), ("渋谷区", "131130")):
        assert tokyo_municipality(name).code == code


def test_synthetic_publishers_have_valid_unique_codes_outside_tokyo() -> None:
    publishers = synthetic_publishers(1788, seed=11)
    codes = [p.code for p in publishers]
    assert len(publishers) == 1788 and len(set(codes)) == 1788
    assert all(valid_code(c) and c[:2] != "13" for c in codes)
    assert not set(codes) & ({m.code for m in tokyo_municipalities()} | {"130001"})
    assert codes == sorted(codes)
    for p in publishers:
        assert p.kind in ("市", "町", "村") and p.name.endswith(p.kind) and p.name_kana and p.name_en.isascii()
        assert 30.5 < p.lat < 45.6 and 129.5 < p.lon < 145.9 and 1 <= p.radius_km <= 3
    names = [p.full_name for p in publishers]
    assert len(set(names)) == len(names), "names are unique within a prefecture"
    assert synthetic_publishers(1788, seed=11) == publishers
    assert synthetic_publishers(50, seed=12) != synthetic_publishers(50, seed=11)
    assert synthetic_publishers(0, seed=1) == ()


def test_points_fall_inside_their_municipality(tmp_path: Path) -> None:
    import random

    rng = random.Random(5)
    for m in (*tokyo_municipalities(), *synthetic_publishers(40, seed=2)):
        for _ in range(50):
            assert m.contains(*m.random_point(rng))


# --- helpers ------------------------------------------------------------------------------


def test_wareki_writes_the_era_date_optionally_in_full_width_digits() -> None:
    assert wareki(date(2019, 5, 1)) == "令和元年5月1日"  # the era itself: tests/test_wareki_and_quantities.py
    assert wareki(date(2023, 10, 1), zenkaku=True) == "令和５年１０月１日"


def test_kanji_numbers_for_chome() -> None:
    assert [kanji_number(n) for n in (1, 2, 10, 12, 20, 99)] == ["一", "二", "十", "十二", "二十", "九十九"]
