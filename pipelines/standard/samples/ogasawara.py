"""東京都小笠原村 (父島): 正式版 CSV as a small office fills it.

小笠原村 stands for the bodies that have moved to the current layout but fill it unevenly:
UTF-8 with a BOM (what Excel saves as "CSV UTF-8"), the 全国地方公共団体コード written with
five digits (13421, the check digit left off), and about half of the optional cells blank.
The mapper must restore the code and accept the blanks; none of these rows is quarantined.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipelines.standard.samples.current_csv import current_entry, current_rows
from pipelines.standard.samples.file_context import FileContext, file_rng
from pipelines.standard.samples.files import csv_bytes, csv_file, write_file
from pipelines.standard.samples.records import set_records
from pipelines.standard.samples.registry_files import RegistryEntrySpec
from pipelines.standard.samples.spec_columns import CURRENT_COLUMNS
from pipelines.standard.tokyo import Municipality, tokyo_municipality

CODE = "134210"
#: Sets and row counts.
ROWS: dict[str, int] = {"emergency-evacuation-sites": 10, "public-toilets": 10, "aed-locations": 12,
                        "cultural-properties": 8}


def publisher() -> Municipality:
    """東京都小笠原村."""
    return tokyo_municipality(CODE)


def _ogasawara_records(set_id: str, ctx: FileContext, n: int) -> list[dict[str, Any]]:
    """正式版 rows as a small office fills them: 5-digit codes, many blanks."""
    records = set_records(set_id, ctx, n)
    rng = ctx.rng
    optional = ("名称_英語", "名称_英字", "地方公共団体名", "所在地_都道府県", "所在地_市区町村", "所在地_町字",
                "所在地_番地以下", "郵便番号", "URL", "備考", "利用可能日時特記事項", "利用可能時間特記事項", "概要")
    for r in records:
        r["全国地方公共団体コード"] = ctx.pub.code[:5]  # 13421: the check digit left off
        for key in optional:
            if key in r and rng.random() < 0.5:
                r[key] = ""
    return records


def write(landing: Path, seed: int) -> list[Path]:
    """Write 小笠原村's CSV files under ``landing``; the paths in set order."""
    ogasawara = publisher()
    paths = []
    for set_id, n in ROWS.items():
        ctx = FileContext(ogasawara, file_rng(seed, ogasawara, set_id))
        rel = csv_file(ogasawara, set_id)
        rows = current_rows(set_id, _ogasawara_records(set_id, ctx, n))
        paths.append(write_file(landing / rel, csv_bytes(CURRENT_COLUMNS[set_id], rows, "utf-8-sig")))
    return paths


def registry_entries() -> list[RegistryEntrySpec]:
    """What ``134210_ogasawara.yaml`` lists: one 正式版 entry per file (codes completed by the mapper)."""
    pub = publisher()
    return [current_entry(pub, s, entry_ids=False) for s in ROWS]
