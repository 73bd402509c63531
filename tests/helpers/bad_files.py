"""A corpus of bad register files, generated here (nothing copied): each with what it must cause.

Every case is one registry source of 新宿区 (131041) for the AED set, in the 正式版 layout unless
the case is about the layout. ``expect`` is either ``("source", words)``: the source is refused
with a located message containing every word; or ``("rows", reasons)``: the source loads and
its issues carry exactly these reasons (besides repairs). One good source sits beside them, so
a test also proves that none of the bad ones cost it anything.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import yaml

PUBLISHER = {"code": "131041", "name": "東京都新宿区", "name_en": "Shinjuku City"}
DATASET = "aed-locations"
HEADER = "全国地方公共団体コード,ID,名称,名称_カナ,所在地_連結表記,緯度,経度,設置位置,開始時間,備考"
FOLDER = "municipal/131041/corpus"
ID_BASE = 9000  # above the IDs of 新宿区's own AED file, so the corpus never collides with it


def row(number: int, name: str = "新宿区役所", lat: str = "35.6938", lon: str = "139.7034",
        opens: str = "09:00", note: str = "", code: str = "131041") -> str:
    """One AED row whose ID is ``number`` (each case has its own IDs, so none collide)."""
    return f"{code},{ID_BASE + number},{name},シンジュククヤクショ,東京都新宿区歌舞伎町一丁目4番1号,{lat},{lon},1階ロビー,{opens},{note}"


def good_csv(first_id: int, rows: int = 3) -> str:
    return "\r\n".join([HEADER, *(row(first_id + i) for i in range(rows))]) + "\r\n"


def _xlsx_bytes(lines: list[list[str]]) -> bytes:
    workbook = openpyxl.Workbook()
    for line in lines:
        workbook.active.append(line)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _zip_of_text() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("aed.csv", good_csv(900))
    return out.getvalue()


def _sparse(path: Path) -> None:
    """A 2 GiB file with no data in it (a failed download's placeholder): refused from its head."""
    with path.open("wb") as handle:
        handle.truncate(2 * 1024**3)


@dataclass(frozen=True)
class Case:
    name: str
    content: bytes | Callable[[Path], None]
    expect: tuple[str, tuple[str, ...]]
    entry: dict[str, object] = field(default_factory=dict)
    suffix: str = ".csv"

    @property
    def file(self) -> str:
        return f"{FOLDER}/{self.name}{self.suffix}"

    @property
    def source_id(self) -> str:
        return f"corpus-{self.name.replace('_', '-')}"


def _utf8(text: str) -> bytes:
    return text.encode("utf-8")


def _lines(*rows: str) -> bytes:
    return _utf8("\r\n".join([HEADER, *rows]) + "\r\n")


CASES: tuple[Case, ...] = (
    # --- not what the registry declares: refused before parsing, saying what the file is
    Case("html_error_page", _utf8("<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>"
                                  "<body><h1>ページが見つかりません</h1></body></html>\n"), ("source", ("HTML", ":1:"))),
    Case("html_without_doctype", _utf8("\n  <html><body>メンテナンス中</body></html>"), ("source", ("HTML",))),
    Case("workbook_declared_csv", _xlsx_bytes([HEADER.split(","), row(10).split(",")]), ("source", ("ZIP archive",))),
    Case("zip_download", _zip_of_text(), ("source", ("ZIP archive",))),
    Case("pdf_named_csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", ("source", ("PDF",))),
    Case("empty_file", b"", ("source", ("empty file",))),
    Case("header_only", _lines(), ("source", ("only the header",))),
    Case("utf16_text", HEADER.encode("utf-16") + "\r\n".encode("utf-16-le"), ("source", ("UTF-16",))),
    Case("gzip_named_csv", gzip.compress(_utf8(good_csv(920))), ("source", ("gzip",))),
    Case("png_image", b"\x89PNG\r\n\x1a\n" + bytes(64), ("source", ("PNG image",))),
    Case("nul_bytes", b"\x00\x01\x02binary" + bytes(256), ("source", ("binary data",))),
    Case("sparse_2gb", _sparse, ("source", ("binary data",))),
    Case("csv_declared_xlsx", _utf8(good_csv(930)), ("source", ("not a workbook",)), {"format": "xlsx"}, ".xlsx"),
    Case("xls_97_2003", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), ("source", ("Excel 97",)), {"format": "xlsx"}, ".xlsx"),
    Case("zip_not_workbook", _zip_of_text(), ("source", ("workbook (.xlsx) that opens", "KeyError")),
         {"format": "xlsx"}, ".xlsx"),
    Case("truncated_workbook", _xlsx_bytes([HEADER.split(","), row(40).split(",")])[:900],
         ("source", ("workbook (.xlsx) that opens", "BadZipFile")), {"format": "xlsx"}, ".xlsx"),
    # --- encodings: the true line and column of the first bad byte
    Case("utf8_declared_cp932", _lines(row(50)), ("source", ("declared encoding cp932", ":1:")), {"encoding": "cp932"}),
    Case("one_bad_byte_at_line_7", _lines(*(row(60 + i) for i in range(5))) + b"131041,66,\xff\xfe,x\r\n",
         ("source", (":7:11", "byte 0xff", "read as utf-8"))),
    Case("bad_byte_after_kanji", _lines(row(68)) + "131041,69,新宿".encode("utf-8") + b"\xff\r\n",
         ("source", (":3:13", "byte 0xff"))),  # the column in characters, as an editor shows it
    Case("mixed_encodings", _lines(row(70)) + "131041,71,新宿,シ,東京都,35.69,139.70,1階\r\n".encode("cp932"),
         ("source", (":3:", "UTF-8 or Shift_JIS"))),
    # --- structure
    Case("unterminated_quote", _lines(row(80), '131041,81,"新宿区役所,シ,東京都,35.69,139.70,1階', row(82)),
         ("source", (":3:", "a CSV record that ends", "never closed"))),
    Case("no_required_column", _utf8("施設名,住所,緯度,経度\r\n庁舎,東京都新宿区,35.69,139.70\r\n"),
         ("source", ("required (必須) column",))),
    Case("required_values_all_empty", _lines(*(f"131041,{90 + i},,,,35.69,139.70,,," for i in range(3))),
         ("source", ("every one of them empty",))),
    Case("mapped_name_twice", _utf8(HEADER + ",名称\r\n" + row(100) + ",別名\r\n"),
         ("source", ("appear once", "'名称' at columns 3, 11"))),
    Case("header_drift_custom_mapping", _utf8(HEADER.replace("名称,", "施設名称,", 1) + "\r\n" + row(110) + "\r\n"),
         ("source", ("a column named '施設名'",)), {"layout": "custom", "columns": {"名称": "施設名"}}),
    Case("missing_file", lambda path: None, ("source", ("no such file",))),
    # --- rows: the file loads; bad rows are quarantined or blanked with their reasons
    Case("ragged_rows", _lines(row(120), row(121) + ",余分,もう一つ"), ("rows", ("ragged_row",))),
    Case("control_characters", _lines(row(130, name="新宿\x00区役所\x1b[31m"), row(131, note="呼出\x07")),
         ("rows", ("control_characters",))),
    Case("embedded_newlines_and_quotes", _lines(row(140, name='"新宿区役所\n""本庁舎"""'), row(141)), ("rows", ())),
    Case("formulas_kept_verbatim_at_ingest", _lines(row(150, note='"=HYPERLINK(""http://x"")"'),
                                                      row(151, note="=cmd|' /C calc'!A0"), row(152, note="@SUM(A1)")),
         ("rows", ())),
    Case("extreme_numbers", _lines(row(160, lat="1e308"), row(161, lon="-99999999999999999999"), row(162)),
         ("rows", ("bad_value",))),
    Case("impossible_times", _lines(row(170, opens="25:61"), row(171)), ("rows", ("bad_value",))),
    Case("dms_coordinates", _lines(row(220, lat="35°41′37″", lon="139°42′12″"), row(221, lat="35度41分37秒"), row(222)),
         ("rows", ("bad_value",))),
    Case("swapped_coordinates", _lines(row(180, lat="139.7034", lon="35.6938"), row(181)), ("rows", ("bad_value",))),
    Case("another_publishers_rows", _lines(row(190, code="132012"), row(191)), ("rows", ("wrong_publisher",))),
    Case("duplicate_ids_in_file", _lines(row(200), row(200), row(201)), ("rows", ("duplicate_id",))),
    Case("blank_and_repeated_unread_names", _utf8(HEADER + ",,メモ,メモ\r\n" + row(210) + ",値,a,b\r\n"),
         ("rows", ("bad_header",))),
)


def write_corpus(root: Path) -> tuple[Path, Path, Case]:
    """Registry folder and landing folder with every case, plus one good source (returned as a Case)."""
    registry, landing = root / "registry", root / "landing"
    registry.mkdir(parents=True)
    good = Case("good_neighbour", _utf8(good_csv(1)), ("rows", ()))
    sources = []
    for case in (good, *CASES):
        path = landing / case.file
        path.parent.mkdir(parents=True, exist_ok=True)
        if callable(case.content):
            case.content(path)
        else:
            path.write_bytes(case.content)
        sources.append({"id": case.source_id, "dataset": DATASET, "file": case.file, "layout": "current",
                        **case.entry})
    text = yaml.safe_dump({"publisher": PUBLISHER, "sources": sources}, allow_unicode=True, sort_keys=False)
    (registry / "131041_corpus.yaml").write_text(text, encoding="utf-8")
    return registry, landing, good


def write_overlapping_pair(landing: Path, registry: Path) -> None:
    """Two files of one publisher whose IDs overlap (9501 in both): the second's copy is quarantined."""
    folder = landing / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "overlap_a.csv").write_bytes(_lines(row(500), row(501)))
    (folder / "overlap_b.csv").write_bytes(_lines(row(501, name="別の施設"), row(502)))
    sources = [{"id": f"corpus-overlap-{x}", "dataset": DATASET, "file": f"{FOLDER}/overlap_{x}.csv"} for x in "ab"]
    text = yaml.safe_dump({"publisher": PUBLISHER, "sources": sources}, allow_unicode=True, sort_keys=False)
    (registry / "131041_overlap.yaml").write_text(text, encoding="utf-8")
