"""What the samples take from the platform's spec instead of typing it again.

The sets' column lists, titles and file slugs are transcribed from the Digital Agency's
definitions once, in ``standard_datasets.yaml``. Samples written from a second copy would
drift from it without a sound (a header one character off is an empty column downstream),
so every header the samples write, and how each cell is written (a count, a date, a phone
number, a reading), comes from :func:`~pipelines.standard.spec.load_spec`.
"""

from __future__ import annotations

import functools

from pipelines.standard.spec import LegacyGeneration, StandardSet, load_spec

#: The eight standard sets the samples cover, in the order files are written.
SETS: tuple[str, ...] = (
    "public-facilities", "aed-locations", "emergency-evacuation-sites", "public-wifi-access-points",
    "public-toilets", "cultural-properties", "childcare-facilities", "population-by-area-and-age",
)
POPULATION = "population-by-area-and-age"


def standard_set(set_id: str) -> StandardSet:
    """The spec's definition of ``set_id``."""
    return load_spec().get(set_id)


def _legacy(set_id: str) -> LegacyGeneration:
    legacy = standard_set(set_id).legacy
    if legacy is None:
        raise KeyError(f"set {set_id!r} has no legacy layout in the spec")
    return legacy


def _file_slug(set_id: str) -> str:
    slug = standard_set(set_id).file_slug
    if slug is None:
        raise KeyError(f"set {set_id!r} has no file slug in the spec")
    return slug


#: 正式版 column lists, in order (spec §2).
CURRENT_COLUMNS: dict[str, tuple[str, ...]] = {s: standard_set(s).column_names for s in SETS}
#: 推奨データセット (legacy) column lists, in order.
LEGACY_COLUMNS: dict[str, tuple[str, ...]] = {s: _legacy(s).columns for s in SETS}
#: Set titles, as sheet names and workbook titles write them (``公共施設一覧``).
SET_TITLES: dict[str, str] = {s: standard_set(s).title_ja for s in SETS}
#: File-name slugs as published files use them (spec §1 "File name").
FILE_SLUGS: dict[str, str] = {s: _file_slug(s) for s in SETS}
#: The population set's per-age columns (``0-4歳の男性`` …) and their bands (``0-4歳`` … ``85歳以上``).
AGE_COLUMNS: tuple[str, ...] = tuple(c for c in CURRENT_COLUMNS[POPULATION] if "歳" in c)
AGE_BANDS: tuple[str, ...] = tuple(dict.fromkeys(c.rsplit("の", 1)[0] for c in AGE_COLUMNS))


@functools.cache
def _kinds(set_id: str) -> dict[str, str]:
    return {c.name: c.kind for c in standard_set(set_id).columns}


def column_kind(set_id: str, column: str) -> str | None:
    """How the spec normalises ``column`` of ``set_id`` (``count``, ``date``, ``phone``, ``kana`` …)."""
    return _kinds(set_id).get(column)


@functools.cache
def legacy_source(set_id: str, header: str) -> str:
    """The 正式版 column whose value a legacy column holds, by the spec's legacy mapping.

    The column itself where the 正式版 kept the name; else the first column the spec maps
    from it (``方書`` → ``建物名等(方書)``, ``多機能トイレ数`` → ``バリアフリートイレ数``); a
    legacy column the spec maps to nothing stands for itself.
    """
    if header in CURRENT_COLUMNS[set_id]:
        return header
    mapping = _legacy(set_id).mapping
    return next((current for current, legacy in mapping.items() if legacy == header), header)
