"""The source registry (strict at load) and the readers (text only, strict encodings, merged headers)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from pipelines.parsers.errors import SourceFormatError
from pipelines.standard.readers import read_csv_table, read_xlsx_table
from pipelines.standard.registry import DEFAULT_REGISTRY, RegistryError, load_registry
from pipelines.standard.spec import load_spec

KNOWN = frozenset(load_spec().ids)
GOOD = """\
publisher: {code: "131041", name: 東京都新宿区}
sources:
  - {id: shinjuku-aed, dataset: aed-locations, file: municipal/131041/aed.csv, encoding: cp932, layout: legacy}
"""


def _registry(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "registry"
    folder.mkdir()
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return folder


def test_the_shipped_registry_loads_against_the_spec() -> None:
    registry = load_registry(DEFAULT_REGISTRY, KNOWN)
    assert registry.sources
    assert all(len(code) == 6 for code in registry.publisher_codes)
    assert {"132195", "222127"} <= set(registry.publisher_codes)  # real municipalities are registered


def test_a_good_entry_loads_with_defaults(tmp_path: Path) -> None:
    (source,) = load_registry(_registry(tmp_path, shinjuku=GOOD), KNOWN).sources
    assert source.publisher.code == "131041" and source.licence == "CC-BY-4.0"
    assert (source.entry.root, source.entry.format, source.entry.header_row) == ("landing", "csv", 1)


def test_a_five_digit_publisher_code_gets_its_check_digit(tmp_path: Path) -> None:
    folder = _registry(tmp_path, shinjuku=GOOD.replace('"131041"', '"13104"'))
    assert load_registry(folder, KNOWN).publisher_codes == ("131041",)


@pytest.mark.parametrize(("change", "field", "words"), [
    (("encoding: cp932", "encoding: sjis"), "encoding", "auto"),
    (("layout: legacy", "layout: legacy, colums: {}"), "colums", "Extra inputs"),
    (('"131041"', '"131042"'), "publisher.code", "check digit"),
    (("id: shinjuku-aed", "id: Shinjuku AED"), "id", "slug"),
])
def test_a_malformed_entry_names_the_file_the_entry_and_the_field(
    tmp_path: Path, change: tuple[str, str], field: str, words: str
) -> None:
    folder = _registry(tmp_path, shinjuku=GOOD.replace(*change))
    with pytest.raises(RegistryError) as failure:
        load_registry(folder, KNOWN)
    message = str(failure.value)
    assert message.startswith("shinjuku.yaml")
    assert f"field {field!r}" in message and words in message
    if field != "publisher.code":
        assert "source 'shinjuku-aed'" in message or "source 'Shinjuku AED'" in message


def test_an_unknown_dataset_fails_at_load(tmp_path: Path) -> None:
    folder = _registry(tmp_path, shinjuku=GOOD.replace("aed-locations", "aed-location"))
    with pytest.raises(RegistryError, match=r"shinjuku.yaml: source 'shinjuku-aed' field 'dataset'.*aed-locations"):
        load_registry(folder, KNOWN)


def test_a_source_id_used_twice_fails_at_load(tmp_path: Path) -> None:
    other = GOOD.replace('"131041"', '"132012"').replace("東京都新宿区", "東京都八王子市")
    with pytest.raises(RegistryError, match="already used in a.yaml"):
        load_registry(_registry(tmp_path, a=GOOD, b=other), KNOWN)


def test_yaml_syntax_errors_point_at_line_and_column(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match=r"broken.yaml:\d+:\d+: not valid YAML"):
        load_registry(_registry(tmp_path, broken="publisher: {code: [\n"), KNOWN)


def test_cp932_is_read_as_text_and_keeps_leading_zeros(tmp_path: Path) -> None:
    path = tmp_path / "aed.csv"
    path.write_bytes("都道府県コード又は市区町村コード,NO,名称\r\n092088,0001,ＡＥＤ\r\n".encode("cp932"))
    table = read_csv_table(path, "aed.csv", "auto")
    assert table.encoding == "cp932"
    assert table.header == ("都道府県コード又は市区町村コード", "NO", "名称")
    assert [(r.line, r.cells) for r in table.rows] == [(2, ("092088", "0001", "ＡＥＤ"))]


def test_a_byte_that_is_not_in_the_declared_encoding_is_located(tmp_path: Path) -> None:
    path = tmp_path / "aed.csv"
    path.write_bytes("名称,住所\r\n".encode("utf-8") + "庁舎,".encode("utf-8") + "新宿".encode("cp932") + b"\r\n")
    with pytest.raises(SourceFormatError) as failure:
        read_csv_table(path, "landing:aed.csv", "utf-8")
    assert str(failure.value).startswith("landing:aed.csv:2:")
    assert "declared encoding utf-8" in str(failure.value) and "byte 0x" in str(failure.value)


def test_a_bom_is_not_part_of_the_first_column_name(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes("\ufeff名称,緯度\n庁舎,35.1\n".encode("utf-8"))
    for encoding in ("auto", "utf-8"):
        assert read_csv_table(path, "x.csv", encoding).header == ("名称", "緯度")


def test_rows_before_the_header_and_blank_rows_are_not_data(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("#LINK,,\n#lang,ja,\n名称,緯度,経度\n,,\n庁舎,35.1,139.1\n", encoding="utf-8")
    table = read_csv_table(path, "x.csv", header_row=3)
    assert table.header == ("名称", "緯度", "経度")
    assert [r.line for r in table.rows] == [5]


def test_a_quoted_cell_over_two_lines_keeps_the_line_where_its_row_starts(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text('名称,備考\n庁舎,"一行目\n二行目"\n図書館,\n', encoding="utf-8")
    assert [r.line for r in read_csv_table(path, "x.csv").rows] == [2, 4]


def test_xlsx_merged_group_headers_join_their_columns(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "避難場所"
    sheet.append(["八王子市 指定緊急避難場所一覧"])
    sheet.append(["施設名", "所在地", None, None, "災害種別"])
    sheet.append([None, "住所", "緯度", "経度", "洪水"])
    sheet.append(["第一小学校", "八王子市元本郷町1-1", 35.66, 139.32, "○"])
    sheet.append(["0123", None, None, None, None])
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("B2:D2")
    workbook.save(tmp_path / "h.xlsx")
    table = read_xlsx_table(tmp_path / "h.xlsx", "h.xlsx", "避難場所", header_row=3, header_rows=2)
    assert table.label == "h.xlsx[避難場所]"
    assert table.header == ("施設名", "所在地_住所", "所在地_緯度", "所在地_経度", "災害種別_洪水")
    assert table.rows[0].cells == ("第一小学校", "八王子市元本郷町1-1", "35.66", "139.32", "○")
    assert (table.rows[1].line, table.rows[1].cells[0]) == (5, "0123")


def test_a_missing_sheet_is_named_with_the_sheets_there_are(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.title = "トイレ"
    workbook.save(tmp_path / "h.xlsx")
    with pytest.raises(SourceFormatError, match="a sheet named 'AED' \\(sheets: トイレ\\)"):
        read_xlsx_table(tmp_path / "h.xlsx", "h.xlsx", "AED")
