"""The 正式版 layout itself: the spec's header byte for byte, one record per row.

Bodies that have moved to the current layout still fill it unevenly; the file is written
exactly as the spec orders the columns, and what a publisher leaves out is left blank.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pipelines.standard.samples.files import csv_file
from pipelines.standard.samples.registry_files import RegistryEntrySpec, entry_id
from pipelines.standard.samples.spec_columns import CURRENT_COLUMNS
from pipelines.standard.tokyo import Municipality


def current_rows(set_id: str, records: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    """The records' cells in the spec's column order (blank where a record has no value)."""
    return [[str(r.get(h, "") or "") for h in CURRENT_COLUMNS[set_id]] for r in records]


def current_entry(pub: Municipality, set_id: str, entry_ids: bool) -> RegistryEntrySpec:
    """The registry entry of a 正式版 file (UTF-8 with BOM)."""
    # blank 地方公共団体名 / 全国地方公共団体コード cells are filled from the publisher by the mapper: no fixed
    return RegistryEntrySpec(pub.code, entry_id(pub, set_id, entry_ids), set_id, csv_file(pub, set_id), "csv",
                             "current", encoding="utf-8-sig")
