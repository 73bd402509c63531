"""Search and facets over the catalogue: Japanese by character bigrams, English by word prefixes.

Why bigrams: Japanese is written without spaces, so splitting on whitespace finds nothing —
「避難」 is inside 指定緊急避難場所一覧 — and a morphological analyser needs a dictionary this
project does not ship. Overlapping two-character grams of every run of kana and kanji find any
word of two or more characters wherever it stands; a one-character query matches that character.
Latin letters and digits are words, matched as prefixes ("toilet" finds "Public toilets").
Text is NFKC-normalised and case-folded first (ＡＥＤ = AED = aed). Every query term must match
(AND); the score weighs where it matched (title, keywords, then description and column names).

Facets count the datasets of the result (every filter applied), so the counts of a facet whose
datasets have one value each add up to the result's count, and choosing a value narrows to it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: Runs of kana and kanji (ー and 々 included) vs runs of letters and digits.
_CJK = re.compile(r"[\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[0-9a-z]+")
#: Field → weight of a match in it.
WEIGHTS = {"title": 3, "keywords": 2, "other": 1}
#: The facets a catalogue search offers, and where each value is in a dataset object.
FACETS = ("publisher", "keyword", "format", "license", "standard_sheet", "quality")


@dataclass(frozen=True)
class Terms:
    """A text's search terms: kana/kanji grams and latin words."""

    grams: frozenset[str]
    words: frozenset[str]

    def matches(self, query: Terms) -> bool:
        return query.grams <= self.grams and all(any(w.startswith(q) for w in self.words) for q in query.words)

    @property
    def empty(self) -> bool:
        return not self.grams and not self.words


def terms(text: str) -> Terms:
    """The grams and words of ``text`` (see the module docstring)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    grams: set[str] = set()
    for run in _CJK.findall(folded):
        grams |= {run} if len(run) == 1 else {run[i:i + 2] for i in range(len(run) - 1)}
    return Terms(frozenset(grams), frozenset(_WORD.findall(folded)))


def _fields(dataset: Mapping[str, Any]) -> dict[str, Terms]:
    columns = " ".join(f"{c.get('name', '')} {c.get('description') or ''} {c.get('description_en') or ''}"
                       for c in dataset.get("columns") or [] if isinstance(c, Mapping))
    return {
        "title": terms(f"{dataset.get('title') or ''} {dataset.get('title_en') or ''}"),
        "keywords": terms(" ".join(str(k) for k in dataset.get("keywords") or [])),
        "other": terms(f"{dataset.get('description') or ''} {dataset.get('description_en') or ''} "
                       f"{dataset.get('publisher') or ''} {dataset.get('id')} {columns}"),
    }


def score(dataset: Mapping[str, Any], query: Terms) -> int:
    """How well ``dataset`` matches (0: it does not): every term must be found in some field."""
    fields = _fields(dataset)
    every = Terms(frozenset().union(*(f.grams for f in fields.values())),
                  frozenset().union(*(f.words for f in fields.values())))
    if not every.matches(query):
        return 0
    total = 0
    for name, field in fields.items():
        total += WEIGHTS[name] * (len(query.grams & field.grams)
                                  + sum(any(w.startswith(q) for w in field.words) for q in query.words))
    return max(total, 1)


def facet_values(dataset: Mapping[str, Any], facet: str) -> list[str]:
    """The dataset's values of ``facet`` (a dataset may have several keywords or formats)."""
    if facet == "publisher":
        return [dataset["publisher"]] if dataset.get("publisher") else []
    if facet == "keyword":
        return [str(k) for k in dataset.get("keywords") or []]
    if facet == "format":
        return sorted({r["format"] for r in dataset.get("resources") or [] if r.get("format")})
    if facet == "license":
        licence = dataset.get("license") or {}
        return [licence["id"]] if isinstance(licence, Mapping) and licence.get("id") else []
    if facet == "standard_sheet":
        standard = dataset.get("standard") or {}
        return [str(standard["sheet"])] if isinstance(standard, Mapping) and standard.get("sheet") else []
    if facet == "quality":
        quality = dataset.get("quality") or {}
        return [quality["status"]] if isinstance(quality, Mapping) and quality.get("status") else []
    raise KeyError(facet)


def narrow(datasets: Iterable[Mapping[str, Any]], chosen: Mapping[str, Sequence[str]]) -> list[Mapping[str, Any]]:
    """The datasets having, for every facet chosen, one of its chosen values (OR within, AND across)."""
    return [d for d in datasets
            if all(set(values) & set(facet_values(d, facet)) for facet, values in chosen.items() if values)]


def facet_counts(datasets: Sequence[Mapping[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Per facet, its values among ``datasets`` with how many have each, most first."""
    out = {}
    for facet in FACETS:
        counts = Counter(v for d in datasets for v in facet_values(d, facet))
        out[facet] = [{"value": v, "count": n} for v, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return out
