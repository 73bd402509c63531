"""東京都新宿区: legacy 推奨データセット CSV in CP932, as an old system exports them.

新宿区 stands for the many bodies that still publish the older layout from Shift_JIS
systems: 和暦 dates (元年 on the era boundaries included), full-width digits in addresses,
phone numbers and counts, half-width katakana readings, half-filled optional cells, 地域名
with full-width 丁目 numbers. Its AED file has one wrong check digit, the kind of typo
quarantine must catch.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.standard.samples.bad_rows import BadRow, inject_bad_rows
from pipelines.standard.samples.files import csv_bytes, csv_file, write_file
from pipelines.standard.samples.legacy_csv import legacy_entry, legacy_tables
from pipelines.standard.samples.registry_files import RegistryEntrySpec
from pipelines.standard.tokyo import Municipality, tokyo_municipality

CODE = "131041"
#: Sets and row counts.
ROWS: dict[str, int] = {"aed-locations": 30, "public-facilities": 35, "childcare-facilities": 25,
                        "cultural-properties": 20, "population-by-area-and-age": 48}
BAD_ROWS: tuple[BadRow, ...] = (
    BadRow(f"municipal/{CODE}/{CODE}_aed.csv", "shinjuku-aed", 9, ("都道府県コード又は市区町村コード",),
           "131042", "全国地方公共団体コード with a wrong check digit (131042; 新宿区 is 131041)"),
)


def publisher() -> Municipality:
    """東京都新宿区."""
    return tokyo_municipality(CODE)


def write(landing: Path, seed: int) -> list[Path]:
    """Write 新宿区's CSV files under ``landing``, the bad row in place; the paths in set order."""
    shinjuku = publisher()
    paths = []
    for set_id, table in legacy_tables(shinjuku, list(ROWS), seed, ROWS):
        rel = csv_file(shinjuku, set_id)
        inject_bad_rows(rel, table, BAD_ROWS)
        paths.append(write_file(landing / rel, csv_bytes(table[0], table[1:], "cp932")))
    return paths


def registry_entries() -> list[RegistryEntrySpec]:
    """What ``131041_shinjuku.yaml`` lists: one legacy CP932 entry per file."""
    pub = publisher()
    return [legacy_entry(pub, s, entry_ids=False) for s in ROWS]
