"""東京都八王子市: one XLSX workbook, a sheet per set, with a title row and merged two-row headers.

八王子市 stands for the bodies that publish the workbook they keep for printing: the title
row (``東京都八王子市 公共施設一覧（令和5年10月1日現在）``), header groups merged over two rows,
their own Japanese column names, the address after the municipality, flags as ○ and ×,
dates in 和暦. Only the title says 現在, so the registry fixes the population's 調査年月日.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.standard.samples.files import write_file
from pipelines.standard.samples.registry_files import RegistryEntrySpec
from pipelines.standard.samples.workbook import xlsx_bytes
from pipelines.standard.samples.xlsx_layout import xlsx_entries, xlsx_sheets
from pipelines.standard.tokyo import Municipality, tokyo_municipality

CODE = "132012"
#: Sets and row counts, one sheet each, in sheet order.
ROWS: dict[str, int] = {"emergency-evacuation-sites": 25, "public-toilets": 20, "public-facilities": 30}
WORKBOOK = f"municipal/{CODE}/{CODE}_opendata.xlsx"


def publisher() -> Municipality:
    """東京都八王子市."""
    return tokyo_municipality(CODE)


def write(landing: Path, seed: int) -> list[Path]:
    """Write 八王子市's workbook under ``landing``."""
    sheets = xlsx_sheets(publisher(), list(ROWS), seed, ROWS)
    return [write_file(landing / WORKBOOK, xlsx_bytes(sheets))]


def registry_entries() -> list[RegistryEntrySpec]:
    """What ``132012_hachioji.yaml`` lists: one custom-layout entry per sheet."""
    return xlsx_entries(publisher(), WORKBOOK, list(ROWS), entry_ids=False)
