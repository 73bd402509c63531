"""The embedded default: five Tokyo publishers, one for each shape real registers come in.

The platform's default build and its quarantine tests run on these files, so between them
they carry every habit the mapper must handle — 新宿区's legacy CP932 CSV, 八王子市's printed
workbook, 瑞穂町's English headers, 小笠原村's unevenly filled 正式版, and 東京都's sites all
over Tokyo — and exactly the defects listed in :data:`EMBEDDED_BAD_ROWS`. The registry files
in ``pipelines/sources/registry/`` describe these files (:func:`embedded_registry`).
"""

from __future__ import annotations

from pathlib import Path

from pipelines.standard.samples import hachioji, mizuho, ogasawara, openroaming, shinjuku
from pipelines.standard.samples.bad_rows import BadRow
from pipelines.standard.samples.file_context import DEFAULT_SEED
from pipelines.standard.samples.registry_files import RegistryEntrySpec
from pipelines.standard.tokyo import Municipality

SHINJUKU, HACHIOJI, MIZUHO, OGASAWARA = shinjuku.CODE, hachioji.CODE, mizuho.CODE, ogasawara.CODE
BUREAU = openroaming.CODE
#: Sets and row counts per embedded publisher.
EMBEDDED_ROWS: dict[str, dict[str, int]] = {
    SHINJUKU: shinjuku.ROWS, HACHIOJI: hachioji.ROWS, MIZUHO: mizuho.ROWS, OGASAWARA: ogasawara.ROWS,
    BUREAU: openroaming.ROWS,
}
#: The workbook of 八王子市 and the OpenRoaming file of 東京都.
HACHIOJI_WORKBOOK = hachioji.WORKBOOK
BUREAU_WIFI_FILE = openroaming.FILE
#: Exactly one bad row per file that has one; every other row of the embedded samples is
#: conformant after normalisation. Independent of the seed.
EMBEDDED_BAD_ROWS: tuple[BadRow, ...] = (*shinjuku.BAD_ROWS, *mizuho.BAD_ROWS)


def embedded_registry() -> list[tuple[Municipality, list[RegistryEntrySpec]]]:
    """The registry entries of the embedded samples, per publisher — what the checked-in
    files in ``pipelines/sources/registry/`` hold (a test keeps the two equal)."""
    return [(m.publisher(), m.registry_entries()) for m in (openroaming, shinjuku, hachioji, mizuho, ogasawara)]


def write_embedded_samples(landing: Path, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the embedded default's registers under ``landing/municipal/<code>/``.

    (a) 東京都新宿区: legacy 推奨データセット CSV in CP932 (和暦, full-width digits, half-width
    kana, half-filled cells); (b) 東京都八王子市: one XLSX workbook, a sheet per set, title row
    and merged two-row header; (c) 東京都瑞穂町: UTF-8 CSV with English column names;
    (d) 東京都小笠原村: 正式版 CSV (UTF-8 with BOM) with 5-digit codes and blanks; (e) 東京都:
    250 OpenRoaming Wi-Fi sites in the 正式版 shape. Deliberately bad rows:
    :data:`EMBEDDED_BAD_ROWS`. Returns the written paths in a stable order.
    """
    paths: list[Path] = []
    for publisher in (shinjuku, hachioji, mizuho, ogasawara, openroaming):
        paths.extend(publisher.write(landing, seed))
    return paths
