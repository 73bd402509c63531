"""Custom layouts: a publisher's own column names, and how the registry maps them back.

Workbooks and English-header files follow neither standard layout; their registry entry says
which standard column each of the publisher's columns fills (``columns:``) and which values
the whole file shares (``fixed:``). A :class:`Col` holds both sides of one column, so the file
written and the entry describing it cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pipelines.standard.samples.file_context import AS_OF
from pipelines.standard.samples.spec_columns import CURRENT_COLUMNS
from pipelines.standard.samples.text_habits import wareki
from pipelines.standard.tokyo import Municipality


@dataclass(frozen=True)
class Col:
    """One column of a custom layout: its header, the standard column it fills, its value.

    ``header`` is a name, or ``(group, name)`` for a column under a merged group cell of a
    two-row workbook header. ``get`` is a record key or a function of the record; by
    default the standard column's own value.
    """

    header: str | tuple[str, str]
    std: str | None = None
    get: str | Callable[[Mapping[str, Any]], Any] | None = None

    @property
    def name(self) -> str:
        """The column's name as the registry loader joins a two-row header (identical parts once)."""
        if isinstance(self.header, str):
            return self.header
        group, sub = self.header
        return group if group == sub else f"{group}_{sub}"

    def value(self, r: Mapping[str, Any]) -> Any:
        """The cell of record ``r`` in this column."""
        if callable(self.get):
            return self.get(r)
        return r.get(self.get or self.std or "", "")


def local_address(r: Mapping[str, Any]) -> str:
    """The address after the municipality, as workbooks write it under 所在地 / 住所."""
    return r["_place"].local if r.get("_place") else ""


def circle(key: str, no: str = "") -> Callable[[Mapping[str, Any]], str]:
    """○ for 有/1, ``no`` otherwise: how workbooks mark flags."""
    return lambda r: "○" if r.get(key) in ("有", "1") else (no if r.get(key) else "")


def wareki_of(key: str) -> Callable[[Mapping[str, Any]], str]:
    """The ISO date under ``key`` in 和暦, as workbooks date things."""
    return lambda r: wareki(date.fromisoformat(r[key])) if r.get(key) else ""


def listed(key: str) -> Callable[[Mapping[str, Any]], str]:
    """A ``;`` list written with 、, as Japanese prose lists things."""
    return lambda r: r.get(key, "").replace(";", "、")


#: The evacuation sites' hazard flags: (workbook label, standard column, English name).
HAZARD_FLAGS = (("洪水", "災害種別_洪水", "flood"), ("崖崩れ等", "災害種別_崖崩れ、土石流及び地滑り", "landslide"),
                ("高潮", "災害種別_高潮", "storm_surge"), ("地震", "災害種別_地震", "earthquake"),
                ("津波", "災害種別_津波", "tsunami"), ("大規模な火事", "災害種別_大規模な火事", "large_fire"),
                ("内水氾濫", "災害種別_内水氾濫", "inland_flooding"), ("火山現象", "災害種別_火山現象", "volcano"))


def custom_columns(design: Sequence[Col], pub: Municipality, set_id: str, xlsx: bool) -> dict[str, str]:
    """The registry ``columns:`` mapping of a custom layout (standard column → source column or template)."""
    columns = {c.std: c.name for c in design if c.std}
    if xlsx and set_id != "population-by-area-and-age":
        # the workbook writes the address after the municipality: the template restores the rest
        columns["所在地_連結表記"] = f"{pub.prefecture}{pub.city}{{所在地_住所}}"
    return columns


def custom_fixed(pub: Municipality, set_id: str, xlsx: bool) -> dict[str, str]:
    """The registry ``fixed:`` values every row of a custom-layout file shares."""
    names = CURRENT_COLUMNS[set_id]
    fixed = {"全国地方公共団体コード": pub.code, "地方公共団体名": pub.full_name, "所在地_全国地方公共団体コード": pub.code,
             "所在地_都道府県": pub.prefecture, "所在地_市区町村": pub.city, "市区町村コード": pub.code}
    if xlsx and set_id == "population-by-area-and-age":
        fixed["調査年月日"] = AS_OF.isoformat()  # only the sheet's title says 現在
    return {k: v for k, v in fixed.items() if k in names}
