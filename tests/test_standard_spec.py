"""The standard-set spec: the shipped file against the research document, and the loader's errors."""

import copy
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipelines.standard.spec import KINDS, SPEC_PATH, SpecError, StandardSet, load_spec

DOC = Path(__file__).resolve().parents[2] / "shared" / "specs" / "standard_datasets.md"

SET_IDS = (
    "public-facilities",
    "aed-locations",
    "emergency-evacuation-sites",
    "public-wifi-access-points",
    "public-toilets",
    "cultural-properties",
    "childcare-facilities",
    "population-by-area-and-age",
    "open-data-list",
)


# -- the research document, parsed here on its own (not through the spec) ----------------------

_HEADING = re.compile(
    r"^### (?P<section>2\.\d+) (?P<title>\S+) → `(?P<id>[a-z0-9-]+)` — sheet (?P<sheet>\d{2}) — "
    r"\*\*(?P<completeness>[A-Z][A-Z ]*[A-Z])\*\* \((?P<count>\d+) columns"
)


@dataclass
class DocTable:
    header: list[str]
    rows: list[list[str]]

    def cells(self, heading: str) -> list[str]:
        index = next(i for i, cell in enumerate(self.header) if cell.startswith(heading))
        return [row[index] for row in self.rows]

    @property
    def names(self) -> list[str]:
        return [cell.replace("`", "").strip() for cell in self.cells("Column")]


@dataclass
class DocSection:
    section: str
    title_ja: str
    set_id: str
    sheet: str
    completeness: str
    column_count: int
    current: DocTable
    legacy: DocTable


def _tables(lines: list[str]) -> list[DocTable]:
    tables: list[DocTable] = []
    block: list[str] = []
    for line in [*lines, ""]:
        if line.startswith("|"):
            block.append(line)
            continue
        if block:
            split = [[cell.strip() for cell in row.strip().strip("|").split("|")] for row in block]
            header, separator, *rows = split
            assert all(set(cell) <= set("-: ") for cell in separator), block[1]
            for row in rows:  # a '|' inside a cell would shift every later cell
                assert len(row) == len(header), row
            tables.append(DocTable(header, rows))
            block = []
    return tables


def _parse_document() -> dict[str, DocSection]:
    if not DOC.exists():
        pytest.fail(f"the research document is expected at {DOC} (../shared beside the clone)")
    lines = DOC.read_text(encoding="utf-8").splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("### 2.")]
    sections: dict[str, DocSection] = {}
    for start in starts:
        match = _HEADING.match(lines[start])
        if match is None:  # 2.10: optional sets with legacy lists only
            continue
        following = (i for i in range(start + 1, len(lines)) if lines[i].startswith(("## ", "### ")))
        end = next(following, len(lines))
        tables = _tables(lines[start + 1 : end])
        # The current generation's table has a 区分 column; the legacy one has "Required (◎)".
        current = [t for t in tables if t.header[2].startswith("区分")]
        legacy = [t for t in tables if t.header[2] == "Required (◎)"]
        assert len(current) == 1 and len(legacy) == 1, (match["id"], [t.header for t in tables])
        sections[match["id"]] = DocSection(
            section=match["section"],
            title_ja=match["title"],
            set_id=match["id"],
            sheet=match["sheet"],
            completeness=match["completeness"],
            column_count=int(match["count"]),
            current=current[0],
            legacy=legacy[0],
        )
    return sections


@pytest.fixture(scope="module")
def document() -> dict[str, DocSection]:
    return _parse_document()


def _shipped(set_id: str) -> StandardSet:
    return load_spec().get(set_id)


# -- the shipped spec ----------------------------------------------------------------------------


def test_shipped_spec_loads_with_the_nine_sets() -> None:
    spec = load_spec()
    assert spec.path == SPEC_PATH
    assert sorted(spec.ids) == sorted(SET_IDS)
    assert spec.edition
    assert load_spec() is spec  # loaded once per process


def test_document_sections_are_the_nine_sets(document: dict[str, DocSection]) -> None:
    assert sorted(document) == sorted(SET_IDS)


@pytest.mark.parametrize("set_id", SET_IDS)
def test_columns_equal_the_documents_current_table(set_id: str, document: dict[str, DocSection]) -> None:
    doc = document[set_id]
    spec = _shipped(set_id)
    assert [int(n) for n in doc.current.cells("#")] == list(range(1, len(doc.current.rows) + 1))
    assert len(doc.current.rows) == doc.column_count
    assert list(spec.column_names) == doc.current.names
    assert len(spec.columns) == doc.column_count


@pytest.mark.parametrize("set_id", SET_IDS)
def test_identity_fields_follow_the_section_heading(set_id: str, document: dict[str, DocSection]) -> None:
    doc = document[set_id]
    spec = _shipped(set_id)
    assert (spec.title_ja, spec.sheet, spec.completeness, spec.spec_section) == (
        doc.title_ja,
        doc.sheet,
        doc.completeness,
        doc.section,
    )
    assert spec.model == "std_" + set_id.replace("-", "_")


@pytest.mark.parametrize("set_id", SET_IDS)
def test_legacy_columns_equal_the_documents_legacy_table(set_id: str, document: dict[str, DocSection]) -> None:
    legacy = _shipped(set_id).legacy
    assert legacy is not None
    assert list(legacy.columns) == document[set_id].legacy.names


@pytest.mark.parametrize("set_id", SET_IDS)
def test_requirements_follow_the_documents_marks(set_id: str, document: dict[str, DocSection]) -> None:
    """◎ → 必須, ○/〇 → 推奨, otherwise 任意; 'legacy ◎' and '—' mean the 正式版 mark was not read."""
    spec = _shipped(set_id)
    table = document[set_id].current
    for name, mark in zip(table.names, table.cells("区分"), strict=True):
        expected = "必須" if "◎" in mark else "推奨" if ("○" in mark or "〇" in mark) else "任意"
        source = "legacy" if mark.startswith("legacy") else "unknown" if mark == "—" else None
        column = spec.column(name)
        assert (column.requirement, column.requirement_source) == (expected, source), name


def test_toilet_english_names_and_formats_are_the_sheets(document: dict[str, DocSection]) -> None:
    """Sheet 13 gives English item names and formats; they are copied, shifted names included."""
    doc = document["public-toilets"].current
    spec = _shipped("public-toilets")
    assert [c.name_en for c in spec.columns] == doc.cells("English item name")
    assert [c.format for c in spec.columns] == doc.cells("Format")
    assert spec.column("女性トイレ数（和式）").name_en == "urinalFemaleToilet"


def test_kinds_follow_the_common_rules() -> None:
    """§1 decides a kind by the column's name: codes, coordinates, 有無, flags, times, dates, contacts."""
    by_suffix = (
        ("全国地方公共団体コード", "lg_code"),
        ("_カナ", "kana"),
        ("有無", "yes_no"),
        ("URL", "url"),
        ("電話番号", "phone"),
        ("内線番号", "extension"),
        ("メールアドレス", "email"),
        ("郵便番号", "postal_code"),
        ("法人番号", "corporate_number"),
        ("町字ID", "town_id"),
        ("時間", "time"),
        ("曜日", "weekdays"),
    )
    for standard_set in load_spec():
        for column in standard_set.columns:
            for suffix, kind in by_suffix:
                if column.name.endswith(suffix):
                    assert column.kind == kind, (standard_set.id, column.name)
                    break
            else:
                if column.name.endswith("日"):
                    assert column.kind == "date", (standard_set.id, column.name)
            if column.name.startswith("災害種別_") or column.name == "指定避難所との重複":
                assert column.kind == "flag", column.name
            if column.name in ("名称_英語", "名称_英字"):
                assert column.kind == "ascii_text", (standard_set.id, column.name)
            if column.name in ("緯度", "経度"):
                assert column.kind == {"緯度": "latitude", "経度": "longitude"}[column.name]
        if standard_set.geometry is not None:
            assert (standard_set.geometry.latitude, standard_set.geometry.longitude) == ("緯度", "経度")
        else:
            assert "緯度" not in standard_set.column_names


def test_every_kind_used_is_known_and_choices_carry_values() -> None:
    for standard_set in load_spec():
        for column in standard_set.columns:
            assert column.kind in KINDS
            assert (column.values is not None) == (column.kind == "choice"), column.name
    assert _shipped("public-toilets").column("高度の種別").values == ("階数", "標高", "地表高")


def test_keys_identify_a_row_per_publisher() -> None:
    spec = load_spec()
    for standard_set in spec:
        assert standard_set.key[0] == "全国地方公共団体コード", standard_set.id
    assert spec.get("population-by-area-and-age").key == ("全国地方公共団体コード", "地域コード", "調査年月日")
    assert spec.get("open-data-list").key == ("全国地方公共団体コード", "データセット_ID", "ファイル_タイトル")


def test_legacy_mapping_resolves_identity_templates_and_renames() -> None:
    toilets = _shipped("public-toilets").legacy
    assert toilets is not None
    assert toilets.sources("地方公共団体名") == ("都道府県名", "市区町村名")
    assert toilets.mapping["バリアフリートイレ数"] == "多機能トイレ数"
    assert toilets.sources("町字ID") == ()
    facilities = _shipped("public-facilities").legacy
    assert facilities is not None
    assert facilities.mapping["利用可能時間特記事項"] == "利用可能日時特記事項"
    assert "バリアフリー情報" in facilities.unmapped


def test_get_names_the_known_ids_for_an_unknown_set() -> None:
    with pytest.raises(KeyError, match="aed-locations"):
        load_spec().get("aed")


# -- malformed files -----------------------------------------------------------------------------


def _column(name: str, name_en: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "name_en": name_en,
        "requirement": "推奨",
        "format": "文字列",
        "kind": kind,
        "description_ja": "説明",
        "description_en": "Description",
        **extra,
    }


def _minimal() -> dict[str, Any]:
    return {
        "edition": "定義書A 20260801",
        "sets": [
            {
                "id": "aed-locations",
                "model": "std_aed_locations",
                "title_ja": "AED設置箇所一覧",
                "title_en": "AED locations",
                "sheet": "08",
                "legacy_number": "01",
                "completeness": "COMPLETE",
                "spec_section": "2.4",
                "file_slug": "aed",
                "key": ["全国地方公共団体コード", "ID"],
                "geometry": {"latitude": "緯度", "longitude": "経度"},
                "columns": [
                    _column("全国地方公共団体コード", "localGovernmentCode", "lg_code"),
                    _column("ID", "identifier", "identifier"),
                    _column("地方公共団体名", "localGovernmentName", "text"),
                    _column("緯度", "latitude", "latitude"),
                    _column("経度", "longitude", "longitude"),
                    _column("高度の種別", "heightType", "choice", values=["階数", "標高", "地表高"]),
                ],
                "legacy": {
                    "columns": [
                        "都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "緯度", "経度", "備考",
                    ],
                    "mapping": {
                        "全国地方公共団体コード": "都道府県コード又は市区町村コード",
                        "ID": "NO",
                        "地方公共団体名": "{都道府県名}{市区町村名}",
                        "緯度": "緯度",
                        "経度": "経度",
                    },
                    "unmapped": {"備考": "no remarks column in this test set"},
                },
            }
        ],
    }


def _write(tmp_path: Path, document: dict[str, Any]) -> Path:
    path = tmp_path / "broken_spec.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _expect_error(tmp_path: Path, document: dict[str, Any], *fragments: str) -> str:
    with pytest.raises(SpecError) as caught:
        load_spec(_write(tmp_path, document))
    message = str(caught.value)
    for fragment in ("broken_spec.yaml", *fragments):
        assert fragment in message, message
    return message


def test_minimal_spec_loads(tmp_path: Path) -> None:
    spec = load_spec(_write(tmp_path, _minimal()))
    aed = spec.get("aed-locations")
    assert aed.column_names == ("全国地方公共団体コード", "ID", "地方公共団体名", "緯度", "経度", "高度の種別")
    assert aed.legacy is not None and aed.legacy.sources("ID") == ("NO",)


def test_unknown_kind_names_set_column_and_kind(tmp_path: Path) -> None:
    document = _minimal()
    document["sets"][0]["columns"][3]["kind"] = "lat"
    message = _expect_error(
        tmp_path, document, "set 'aed-locations'", "column '緯度'", "kind 'lat' is not one of"
    )
    assert "latitude" in message  # the allowed kinds are listed


def test_duplicate_column_names_set_and_column(tmp_path: Path) -> None:
    document = _minimal()
    document["sets"][0]["columns"].append(_column("ID", "identifierAgain", "identifier"))
    _expect_error(tmp_path, document, "set 'aed-locations'", "column 'ID'", "'name'", "another column")


def test_mapping_to_a_missing_column_names_set_and_target(tmp_path: Path) -> None:
    document = _minimal()
    document["sets"][0]["legacy"]["mapping"]["名称"] = "NO"
    _expect_error(tmp_path, document, "set 'aed-locations'", "'mapping'", "'名称'", "not a column of the set")


def test_mapping_from_a_missing_legacy_column_names_the_placeholder(tmp_path: Path) -> None:
    document = _minimal()
    document["sets"][0]["legacy"]["mapping"]["地方公共団体名"] = "{都道府県名}{市町村名}"
    _expect_error(
        tmp_path, document, "set 'aed-locations'", "'地方公共団体名'", "'市町村名' is not a legacy column"
    )


def test_legacy_column_neither_mapped_nor_unmapped_is_reported(tmp_path: Path) -> None:
    document = _minimal()
    del document["sets"][0]["legacy"]["unmapped"]
    _expect_error(tmp_path, document, "set 'aed-locations' legacy", "'備考'", "unmapped")


@pytest.mark.parametrize("field", ["kind", "name_en", "requirement", "format", "description_en"])
def test_missing_column_field_names_set_column_and_field(tmp_path: Path, field: str) -> None:
    document = _minimal()
    del document["sets"][0]["columns"][1][field]
    _expect_error(tmp_path, document, "set 'aed-locations' column 'ID'", f"missing field {field!r}")


@pytest.mark.parametrize("field", ["key", "sheet", "legacy", "geometry"])
def test_missing_set_field_names_set_and_field(tmp_path: Path, field: str) -> None:
    document = _minimal()
    del document["sets"][0][field]
    _expect_error(tmp_path, document, "set 'aed-locations'", f"missing field {field!r}")


def test_wrong_field_types_are_named(tmp_path: Path) -> None:
    document = _minimal()
    document["sets"][0]["sheet"] = 8  # an unquoted 08 in hand-written YAML
    _expect_error(tmp_path, document, "set 'aed-locations'", "'sheet'", "must be a non-empty string", "int 8")
    document = _minimal()
    document["sets"][0]["key"] = "ID"
    _expect_error(tmp_path, document, "set 'aed-locations'", "'key'", "list")


def test_requirement_outside_the_three_words_is_rejected(tmp_path: Path) -> None:
    document = _minimal()
    document["sets"][0]["columns"][0]["requirement"] = "◎"
    _expect_error(tmp_path, document, "column '全国地方公共団体コード'", "requirement '◎'")


def test_values_go_with_choice_only(tmp_path: Path) -> None:
    document = _minimal()
    del document["sets"][0]["columns"][5]["values"]
    _expect_error(tmp_path, document, "column '高度の種別'", "'values'")
    document = _minimal()
    document["sets"][0]["columns"][2]["values"] = ["a"]
    _expect_error(tmp_path, document, "column '地方公共団体名'", "only for kind 'choice'")


def test_key_and_geometry_must_name_columns(tmp_path: Path) -> None:
    document = _minimal()
    document["sets"][0]["key"] = ["全国地方公共団体コード", "NO"]
    _expect_error(tmp_path, document, "set 'aed-locations'", "'key'", "'NO'")
    document = _minimal()
    document["sets"][0]["geometry"] = {"latitude": "経度", "longitude": "緯度"}
    _expect_error(tmp_path, document, "set 'aed-locations'", "'geometry'", "kind")


def test_duplicate_set_ids_and_unknown_fields_are_rejected(tmp_path: Path) -> None:
    document = _minimal()
    document["sets"].append(copy.deepcopy(document["sets"][0]))
    _expect_error(tmp_path, document, "set 'aed-locations'", "'id'", "another set")
    document = _minimal()
    document["sets"][0]["colums"] = []
    _expect_error(tmp_path, document, "set 'aed-locations'", "unknown field 'colums'")


def test_model_must_follow_the_id(tmp_path: Path) -> None:
    document = _minimal()
    document["sets"][0]["model"] = "std_aed"
    _expect_error(tmp_path, document, "set 'aed-locations'", "'model'", "std_aed_locations")


def test_invalid_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken_spec.yaml"
    path.write_text("edition: x\nsets: [\n  - id: a\n", encoding="utf-8")
    with pytest.raises(SpecError, match=r"broken_spec\.yaml:\d+:\d+: not valid YAML"):
        load_spec(path)
