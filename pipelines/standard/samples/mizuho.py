"""東京都瑞穂町: UTF-8 CSV with English column names, from a vendor's system.

瑞穂町 stands for the bodies whose files carry the column names of the software that made
them (``name_kana``, ``open_time``, ``child_pads``), flags as yes / no, the whole address in
one cell. Its toilet file has one row at latitude/longitude 0,0 — a GPS default — which
quarantine must catch.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.standard.samples.bad_rows import BadRow, inject_bad_rows
from pipelines.standard.samples.english_csv import english_entry, english_tables
from pipelines.standard.samples.files import csv_bytes, csv_file, write_file
from pipelines.standard.samples.registry_files import RegistryEntrySpec
from pipelines.standard.tokyo import Municipality, tokyo_municipality

CODE = "133035"
#: Sets and row counts.
ROWS: dict[str, int] = {"aed-locations": 15, "public-toilets": 12, "public-wifi-access-points": 10,
                        "childcare-facilities": 8}
BAD_ROWS: tuple[BadRow, ...] = (
    BadRow(f"municipal/{CODE}/{CODE}_public_toilet.csv", "mizuho-public-toilet", 6, ("lat", "lon"),
           "0.000000,0.000000", "latitude/longitude 0,0 — outside Japan (a GPS default)"),
)


def publisher() -> Municipality:
    """東京都瑞穂町."""
    return tokyo_municipality(CODE)


def write(landing: Path, seed: int) -> list[Path]:
    """Write 瑞穂町's CSV files under ``landing``, the bad row in place; the paths in set order."""
    mizuho = publisher()
    paths = []
    for set_id, table in english_tables(mizuho, list(ROWS), seed, ROWS):
        rel = csv_file(mizuho, set_id)
        inject_bad_rows(rel, table, BAD_ROWS)
        paths.append(write_file(landing / rel, csv_bytes(table[0], table[1:], "utf-8")))
    return paths


def registry_entries() -> list[RegistryEntrySpec]:
    """What ``133035_mizuho.yaml`` lists: one custom-layout entry per file."""
    pub = publisher()
    return [english_entry(pub, s, entry_ids=False) for s in ROWS]
