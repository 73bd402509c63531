"""Catalogue search (catalog_api/search.py): Japanese by bigrams, English by word prefixes, facets that add up."""

from __future__ import annotations

from catalog_api.search import facet_counts, narrow, score, terms

DATASETS = [
    {"id": "evac", "title": "指定緊急避難場所一覧", "title_en": "Designated emergency evacuation sites",
     "keywords": ["防災"], "publisher": "東京都", "resources": [{"format": "CSV"}, {"format": "GeoJSON"}],
     "standard": {"sheet": "02"}, "quality": {"status": "passed"}, "license": {"id": "CC-BY-4.0"}},
    {"id": "toilets", "title": "公衆トイレ一覧", "title_en": "Public toilets", "publisher": "東京都",
     "columns": [{"name": "多目的トイレ有無"}], "resources": [{"format": "CSV"}], "quality": {"status": "warned"}},
    {"id": "aed", "title": "AED設置箇所一覧", "title_en": "AED locations", "publisher": "新宿区",
     "description": "トイレのある施設を含む", "resources": [{"format": "CSV"}], "quality": {"status": "passed"}},
]


def _found(q: str) -> list[str]:
    query = terms(q)
    hits = sorted(((score(d, query), d["id"]) for d in DATASETS if score(d, query)), key=lambda s: (-s[0], s[1]))
    return [i for _, i in hits]


def test_japanese_words_are_found_inside_titles_without_spaces() -> None:
    assert _found("避難") == ["evac"] and _found("緊急避難") == ["evac"]
    assert _found("トイレ") == ["toilets", "aed"]  # a title match ranks above a description match
    assert _found("避難 トイレ") == []  # every term must match


def test_latin_words_match_as_prefixes_whatever_the_width_and_case() -> None:
    assert _found("toilet") == ["toilets"] and _found("ＡＥＤ") == ["aed"] and _found("aed") == ["aed"]
    assert _found("evacuation sites") == ["evac"] and _found("toilets public") == ["toilets"]
    assert _found("ilet") == []  # a prefix, not any substring


def test_one_character_finds_that_character_and_nothing_is_nothing() -> None:
    assert terms("避").grams == {"避"} and _found("避") == [] and terms("").empty
    assert _found("存在しない") == []


def test_facets_count_the_result_and_narrow_or_within_and_across() -> None:
    counts = facet_counts(DATASETS)
    assert counts["publisher"] == [{"value": "東京都", "count": 2}, {"value": "新宿区", "count": 1}]
    assert sum(c["count"] for c in counts["publisher"]) == len(DATASETS)
    assert {"value": "GeoJSON", "count": 1} in counts["format"] and counts["standard_sheet"] == [{"value": "02", "count": 1}]
    assert [d["id"] for d in narrow(DATASETS, {"quality": ["passed", "warned"]})] == ["evac", "toilets", "aed"]
    assert [d["id"] for d in narrow(DATASETS, {"quality": ["passed"], "publisher": ["東京都"]})] == ["evac"]
