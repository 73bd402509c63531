"""The benchmark registers: the 8 sets for any number of publishers, in the three legacy shapes.

``bench/standard_sets.py`` writes them for Tokyo's 62 municipalities (and made-up publishers
beyond, up to Japan's 1,788 bodies) to time ingest against DuckDB's own CSV reader. Publishers
take the shapes in turn by index, so a run of any size has each shape in about a third.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pipelines.standard.samples.english_csv import english_entry, english_tables
from pipelines.standard.samples.files import csv_bytes, municipal_dir, write_file
from pipelines.standard.samples.legacy_csv import legacy_entry, legacy_tables
from pipelines.standard.samples.registry_files import RegistryEntrySpec
from pipelines.standard.samples.spec_columns import SETS
from pipelines.standard.samples.workbook import xlsx_bytes
from pipelines.standard.samples.xlsx_layout import xlsx_entries, xlsx_sheets
from pipelines.standard.tokyo import Municipality

#: The three legacy shapes the benchmark rotates through, by publisher index.
SHAPES: tuple[str, ...] = ("legacy-csv", "xlsx", "english-csv")


def write_benchmark_registers(out: Path, publishers: Sequence[Municipality], seed: int,
                              rows_per_set: int = 40) -> list[RegistryEntrySpec]:
    """Write the 8 sets' registers for every publisher under ``out/municipal/<code>/``.

    Publisher ``i`` gets shape ``SHAPES[i % 3]``: (a) legacy 推奨データセット CSV in CP932,
    (b) one XLSX workbook with a sheet per set (title row, merged two-row header, own
    Japanese column names), (c) UTF-8 CSV with English column names. Returns one registry
    entry per written file (per sheet for workbooks), ``file`` relative to ``out`` and
    ``root: landing``; :func:`write_registry_files` turns them into registry files.
    """
    if rows_per_set < 1:
        raise ValueError(f"rows_per_set must be 1 or more; got {rows_per_set}")
    codes = [p.code for p in publishers]
    if len(set(codes)) != len(codes):
        raise ValueError("publishers must have distinct codes")
    rows = {s: rows_per_set for s in SETS}
    entries: list[RegistryEntrySpec] = []
    for index, pub in enumerate(publishers):
        shape = SHAPES[index % len(SHAPES)]
        if shape == "xlsx":
            rel = f"{municipal_dir(pub)}/{pub.code}_opendata.xlsx"
            write_file(out / rel, xlsx_bytes(xlsx_sheets(pub, SETS, seed, rows)))
            entries.extend(xlsx_entries(pub, rel, SETS, entry_ids=True))
            continue
        legacy = shape == "legacy-csv"
        tables = (legacy_tables if legacy else english_tables)(pub, SETS, seed, rows)
        for set_id, table in tables:
            entry = (legacy_entry if legacy else english_entry)(pub, set_id, entry_ids=True)
            write_file(out / entry.file, csv_bytes(table[0], table[1:], "cp932" if legacy else "utf-8"))
            entries.append(entry)
    return entries
