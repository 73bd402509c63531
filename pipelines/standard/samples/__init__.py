"""Seeded sample registers of municipal open data, shaped the ways municipalities publish them.

No municipality's files can be fetched at build time, so the platform ships a generator of
registers that look like the real ones in ``shared/realdata``: the same sets, the same
column names, and the same habits — 和暦 dates, full-width digits, half-width katakana,
half-filled optional cells, Excel workbooks with title rows and merged two-row headers,
English column names, codes without their check digit. Generation is deterministic: a file
depends only on the seed, its publisher and its set (each file has its own
``random.Random``), never on the clock or on what else is generated, so two runs give the
same bytes.

Two entry points:

* :func:`write_embedded_samples` — the embedded default: five Tokyo publishers, one per
  shape (新宿区 legacy CP932 CSV, 八王子市 XLSX, 瑞穂町 English-header CSV, 小笠原村 正式版
  CSV with defects, 東京都's OpenRoaming Wi-Fi sites), with a few deliberately bad rows
  listed in :data:`EMBEDDED_BAD_ROWS`. The registry files in
  ``pipelines/sources/registry/`` describe exactly these files
  (:func:`embedded_registry` builds the same entries).
* :func:`write_benchmark_registers` — the benchmark: the 8 sets for any list of publishers,
  rotating through the three legacy shapes, returning the registry entries to load them.

The values are made up; every row except those in :data:`EMBEDDED_BAD_ROWS` becomes
conformant under the spec's §1 rules once normalised, and every point lies within its
municipality's disc (:meth:`Municipality.contains`). Column lists, set titles and file
slugs are the spec's (:mod:`.spec_columns`); the modules are one per thing generated:

* per publisher — :mod:`.shinjuku`, :mod:`.hachioji`, :mod:`.mizuho`, :mod:`.ogasawara`,
  :mod:`.openroaming`, gathered by :mod:`.embedded`; :mod:`.bad_rows` the defect type;
* per shape — :mod:`.legacy_csv`, :mod:`.xlsx_layout` (written by :mod:`.workbook`),
  :mod:`.english_csv`, :mod:`.current_csv`, with :mod:`.custom_layout` for the registry
  mapping of the custom ones;
* the content — :mod:`.records` and :mod:`.population` (rows in 正式版 names),
  :mod:`.facility_kinds`, :mod:`.places`, :mod:`.text_habits`, :mod:`.file_context`;
* :mod:`.benchmark`, :mod:`.registry_files` and :mod:`.files` (paths and CSV bytes).
"""

from __future__ import annotations

from pipelines.standard.samples.bad_rows import BadRow
from pipelines.standard.samples.benchmark import SHAPES, write_benchmark_registers
from pipelines.standard.samples.custom_layout import Col
from pipelines.standard.samples.embedded import (
    BUREAU,
    BUREAU_WIFI_FILE,
    EMBEDDED_BAD_ROWS,
    EMBEDDED_ROWS,
    HACHIOJI,
    HACHIOJI_WORKBOOK,
    MIZUHO,
    OGASAWARA,
    SHINJUKU,
    embedded_registry,
    write_embedded_samples,
)
from pipelines.standard.samples.english_csv import ENGLISH_DESIGNS
from pipelines.standard.samples.file_context import AS_OF, DEFAULT_SEED
from pipelines.standard.samples.legacy_csv import LegacyQuirks
from pipelines.standard.samples.places import GENERIC_TOWNS, TOWNS_BY_CODE, Place, Town
from pipelines.standard.samples.registry_files import (
    RegistryEntrySpec,
    registry_document,
    registry_file_name,
    registry_yaml,
    write_registry_files,
)
from pipelines.standard.samples.spec_columns import (
    AGE_COLUMNS,
    CURRENT_COLUMNS,
    FILE_SLUGS,
    LEGACY_COLUMNS,
    SET_TITLES,
    SETS,
)
from pipelines.standard.samples.text_habits import hankaku_kana, kanji_number, wareki, zenkaku_digits
from pipelines.standard.samples.xlsx_layout import XLSX_DESIGNS

__all__ = [
    "AGE_COLUMNS", "AS_OF", "BUREAU", "BUREAU_WIFI_FILE", "CURRENT_COLUMNS", "DEFAULT_SEED", "EMBEDDED_BAD_ROWS",
    "EMBEDDED_ROWS", "ENGLISH_DESIGNS", "FILE_SLUGS", "GENERIC_TOWNS", "HACHIOJI", "HACHIOJI_WORKBOOK",
    "LEGACY_COLUMNS", "MIZUHO", "OGASAWARA", "SETS", "SET_TITLES", "SHAPES", "SHINJUKU", "TOWNS_BY_CODE",
    "XLSX_DESIGNS", "BadRow", "Col", "LegacyQuirks", "Place", "RegistryEntrySpec", "Town", "embedded_registry",
    "hankaku_kana", "kanji_number", "registry_document", "registry_file_name", "registry_yaml", "wareki",
    "write_embedded_samples", "write_benchmark_registers", "write_registry_files", "zenkaku_digits",
]
