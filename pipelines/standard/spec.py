"""The standard open-data sets as one typed, validated spec.

Every consumer — the dbt ``std_*`` models, the conformance checker, the legacy-to-current
mapping and the catalogue — takes column names, order, requirement marks and value kinds
from ``standard_datasets.yaml``, so a column is transcribed from the Digital Agency's
definition once. Because a wrong character in a Japanese column name silently yields an
empty column downstream, the loader is strict: anything malformed fails at load with a
message naming the file, the set and the field, before a run starts.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pipelines.yaml_files import load_yaml

#: The spec shipped beside this module.
SPEC_PATH = Path(__file__).resolve().with_name("standard_datasets.yaml")

#: How a column's values are normalised; each name has one normaliser elsewhere.
KINDS: frozenset[str] = frozenset(
    {
        "text", "identifier", "lg_code", "kana", "ascii_text", "date", "time", "weekdays",
        "latitude", "longitude", "count", "number", "yes_no", "flag", "phone", "extension",
        "postal_code", "url", "email", "corporate_number", "town_id", "list", "choice",
    }
)
#: 区分 in words: ◎ 必須, ○/〇 推奨, blank 任意.
REQUIREMENTS: frozenset[str] = frozenset({"必須", "推奨", "任意"})
#: Why a column's requirement is not the sheet's own mark: taken from the legacy ◎, or unknown.
REQUIREMENT_SOURCES: frozenset[str] = frozenset({"legacy", "unknown"})
#: How much of a set's 正式版 layout the research could confirm.
COMPLETENESS_LEVELS: frozenset[str] = frozenset({"COMPLETE", "ORDER ONLY", "PARTIAL"})

_SET_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_TWO_DIGITS = re.compile(r"[0-9]{2}")
_SECTION = re.compile(r"[0-9]+(?:\.[0-9]+)*")
_SLUG = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)*")
_CAMEL = re.compile(r"[a-z][A-Za-z0-9]*")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class SpecError(ValueError):
    """The spec file is malformed; the message names the file, the set and the field."""


@dataclass(frozen=True)
class SpecColumn:
    """One column of a set's current (正式版) layout and how its values are normalised."""

    name: str
    name_en: str
    requirement: str
    format: str | None
    kind: str
    description_ja: str
    description_en: str
    values: tuple[str, ...] | None = None
    requirement_source: str | None = None


@dataclass(frozen=True)
class Geometry:
    """The columns holding a point's coordinates, so spatial models need no per-set code."""

    latitude: str
    longitude: str


@dataclass(frozen=True)
class LegacyGeneration:
    """The older 推奨データセット layout of a set, so files still published in it can be mapped.

    ``mapping`` maps a current column to a bare legacy column name or to a template whose
    ``{column}`` placeholders are legacy columns concatenated in place.
    """

    columns: tuple[str, ...]
    mapping: Mapping[str, str] = field(hash=False)
    unmapped: Mapping[str, str] = field(hash=False)

    def sources(self, column: str) -> tuple[str, ...]:
        """The legacy columns the current ``column`` is built from (empty when it has none)."""
        value = self.mapping.get(column)
        return () if value is None else template_columns(value)


@dataclass(frozen=True)
class StandardSet:
    """One standard set: identity, where the doc defines it, its columns and its legacy layout."""

    id: str
    model: str
    title_ja: str
    title_en: str
    sheet: str
    legacy_number: str | None
    completeness: str
    spec_section: str
    file_slug: str | None
    key: tuple[str, ...]
    geometry: Geometry | None
    columns: tuple[SpecColumn, ...]
    legacy: LegacyGeneration | None

    @functools.cached_property
    def column_names(self) -> tuple[str, ...]:
        """The header a conforming file has, in order (computed once: every row mapping asks)."""
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> SpecColumn:
        """The column called ``name`` (exact, byte-for-byte)."""
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"set {self.id!r} has no column {name!r}")


@dataclass(frozen=True)
class StandardSpec:
    """All standard sets, in the order the file lists them."""

    path: Path
    edition: str
    sets: tuple[StandardSet, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.sets)

    def get(self, set_id: str) -> StandardSet:
        """The set published as ``set_id``; a typo names the ids that do exist."""
        for standard_set in self.sets:
            if standard_set.id == set_id:
                return standard_set
        raise KeyError(f"no standard set {set_id!r}; known: {', '.join(self.ids)}")

    def __iter__(self) -> Iterator[StandardSet]:
        return iter(self.sets)


def template_columns(value: str) -> tuple[str, ...]:
    """The legacy columns a mapping value reads: its placeholders, or the bare name itself."""
    if "{" in value:
        return tuple(_PLACEHOLDER.findall(value))
    return (value,)


def load_spec(path: Path | None = None) -> StandardSpec:
    """Load and validate a spec file; without ``path``, the shipped one (loaded once per process)."""
    if path is None:
        return _load_default()
    return _load(Path(path))


@functools.cache
def _load_default() -> StandardSpec:
    return _load(SPEC_PATH)


def _load(path: Path) -> StandardSpec:
    return _Parser(path).spec(load_yaml(path, SpecError))


class _Parser:
    """Walks the raw YAML, keeping the file name for every message."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file = path.name

    def fail(self, where: str, problem: str) -> SpecError:
        return SpecError(f"{self.file}: {where}: {problem}" if where else f"{self.file}: {problem}")

    # -- generic field readers ------------------------------------------------------------

    def fields(
        self, raw: Any, where: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> dict:
        if not isinstance(raw, dict):
            raise self.fail(where, f"expected a mapping; found {_describe(raw)}")
        for name in required:
            if name not in raw:
                raise self.fail(where, f"missing field {name!r}")
        unknown = [str(k) for k in raw if k not in required and k not in optional]
        if unknown:
            allowed = ", ".join((*required, *optional))
            raise self.fail(where, f"unknown field {unknown[0]!r} (allowed: {allowed})")
        return raw

    def text(self, raw: dict, name: str, where: str, pattern: re.Pattern[str] | None = None) -> str:
        value = raw[name]
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, f"field {name!r} must be a non-empty string; found {_describe(value)}")
        if value != value.strip():
            raise self.fail(where, f"field {name!r} has leading or trailing whitespace: {value!r}")
        if pattern is not None and not pattern.fullmatch(value):
            raise self.fail(where, f"field {name!r} must match {pattern.pattern}; found {value!r}")
        return value

    def optional_text(
        self, raw: dict, name: str, where: str, pattern: re.Pattern[str] | None = None
    ) -> str | None:
        if raw.get(name) is None:
            return None
        return self.text(raw, name, where, pattern)

    def names(self, raw: dict, name: str, where: str) -> tuple[str, ...]:
        value = raw[name]
        if not isinstance(value, list) or not value:
            raise self.fail(where, f"field {name!r} must be a non-empty list of strings; found {_describe(value)}")
        items = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip() or item != item.strip():
                raise self.fail(
                    where, f"field {name!r} item {index + 1} must be a non-empty string; found {_describe(item)}"
                )
            if item in items:
                raise self.fail(where, f"field {name!r} lists {item!r} twice")
            items.append(item)
        return tuple(items)

    def string_map(self, raw: dict, name: str, where: str) -> dict[str, str]:
        value = raw.get(name)
        if value is None:
            value = {}
        if not isinstance(value, dict):
            raise self.fail(where, f"field {name!r} must be a mapping; found {_describe(value)}")
        for key, item in value.items():
            if not isinstance(key, str) or not key.strip():
                raise self.fail(where, f"field {name!r} has a key that is not a string: {_describe(key)}")
            if not isinstance(item, str) or not item.strip():
                raise self.fail(
                    where, f"field {name!r} entry {key!r} must be a non-empty string; found {_describe(item)}"
                )
        return dict(value)

    # -- the document ----------------------------------------------------------------------

    def spec(self, raw: Any) -> StandardSpec:
        doc = self.fields(raw, "", ("edition", "sets"))
        edition = self.text(doc, "edition", "")
        raw_sets = doc["sets"]
        if not isinstance(raw_sets, list) or not raw_sets:
            raise self.fail("", f"field 'sets' must be a non-empty list; found {_describe(raw_sets)}")
        sets = tuple(self.standard_set(item, index) for index, item in enumerate(raw_sets))
        seen_ids: set[str] = set()
        seen_models: set[str] = set()
        for standard_set in sets:
            where = f"set {standard_set.id!r}"
            if standard_set.id in seen_ids:
                raise self.fail(where, "field 'id' is used by another set")
            if standard_set.model in seen_models:
                raise self.fail(where, f"field 'model' {standard_set.model!r} is used by another set")
            seen_ids.add(standard_set.id)
            seen_models.add(standard_set.model)
        return StandardSpec(path=self.path, edition=edition, sets=sets)

    def standard_set(self, raw: Any, index: int) -> StandardSet:
        where = f"set #{index + 1}"
        if isinstance(raw, dict) and isinstance(raw.get("id"), str):
            where = f"set {raw['id']!r}"
        data = self.fields(
            raw,
            where,
            (
                "id", "model", "title_ja", "title_en", "sheet", "legacy_number", "completeness",
                "spec_section", "file_slug", "key", "geometry", "columns", "legacy",
            ),
        )
        set_id = self.text(data, "id", where, _SET_ID)
        model = self.text(data, "model", where)
        expected_model = "std_" + set_id.replace("-", "_")
        if model != expected_model:
            raise self.fail(
                where, f"field 'model' must be {expected_model!r} (std_ + id with - as _); found {model!r}"
            )
        completeness = self.text(data, "completeness", where)
        if completeness not in COMPLETENESS_LEVELS:
            raise self.fail(
                where, f"field 'completeness' {completeness!r} is not one of {_choices(COMPLETENESS_LEVELS)}"
            )

        columns = self.columns(data, where)
        by_name = {column.name: column for column in columns}

        key = self.names(data, "key", where)
        for name in key:
            if name not in by_name:
                raise self.fail(where, f"field 'key' names {name!r}, which is not a column of the set")

        return StandardSet(
            id=set_id,
            model=model,
            title_ja=self.text(data, "title_ja", where),
            title_en=self.text(data, "title_en", where),
            sheet=self.text(data, "sheet", where, _TWO_DIGITS),
            legacy_number=self.optional_text(data, "legacy_number", where, _TWO_DIGITS),
            completeness=completeness,
            spec_section=self.text(data, "spec_section", where, _SECTION),
            file_slug=self.optional_text(data, "file_slug", where, _SLUG),
            key=key,
            geometry=self.geometry(data["geometry"], where, by_name),
            columns=columns,
            legacy=self.legacy(data["legacy"], where, by_name),
        )

    def columns(self, data: dict, where: str) -> tuple[SpecColumn, ...]:
        raw = data["columns"]
        if not isinstance(raw, list) or not raw:
            raise self.fail(where, f"field 'columns' must be a non-empty list; found {_describe(raw)}")
        columns: list[SpecColumn] = []
        names: set[str] = set()
        names_en: dict[str, str] = {}
        for index, item in enumerate(raw):
            column = self.column(item, where, index)
            if column.name in names:
                raise self.fail(
                    f"{where} column {column.name!r}", "field 'name' is used by another column of the set"
                )
            if column.name_en in names_en:
                raise self.fail(
                    f"{where} column {column.name!r}",
                    f"field 'name_en' {column.name_en!r} is also the English name of {names_en[column.name_en]!r}",
                )
            names.add(column.name)
            names_en[column.name_en] = column.name
            columns.append(column)
        return tuple(columns)

    def column(self, raw: Any, set_where: str, index: int) -> SpecColumn:
        where = f"{set_where} column #{index + 1}"
        if isinstance(raw, dict) and isinstance(raw.get("name"), str):
            where = f"{set_where} column {raw['name']!r}"
        data = self.fields(
            raw,
            where,
            ("name", "name_en", "requirement", "format", "kind", "description_ja", "description_en"),
            ("values", "requirement_source"),
        )
        requirement = self.text(data, "requirement", where)
        if requirement not in REQUIREMENTS:
            raise self.fail(where, f"requirement {requirement!r} is not one of {_choices(REQUIREMENTS)}")
        source = self.optional_text(data, "requirement_source", where)
        if source is not None and source not in REQUIREMENT_SOURCES:
            raise self.fail(
                where, f"requirement_source {source!r} is not one of {_choices(REQUIREMENT_SOURCES)}"
            )
        kind = self.text(data, "kind", where)
        if kind not in KINDS:
            raise self.fail(where, f"kind {kind!r} is not one of {_choices(KINDS)}")
        values: tuple[str, ...] | None = None
        if kind == "choice":
            if data.get("values") is None:
                raise self.fail(where, "kind 'choice' needs field 'values' (the allowed values)")
            values = self.names(data, "values", where)
        elif "values" in data:
            raise self.fail(where, f"field 'values' is only for kind 'choice'; this column is kind {kind!r}")
        return SpecColumn(
            name=self.text(data, "name", where),
            name_en=self.text(data, "name_en", where, _CAMEL),
            requirement=requirement,
            format=self.optional_text(data, "format", where),
            kind=kind,
            description_ja=self.text(data, "description_ja", where),
            description_en=self.text(data, "description_en", where),
            values=values,
            requirement_source=source,
        )

    def geometry(self, raw: Any, where: str, by_name: Mapping[str, SpecColumn]) -> Geometry | None:
        if raw is None:
            return None
        data = self.fields(raw, f"{where} geometry", ("latitude", "longitude"))
        for role in ("latitude", "longitude"):
            name = self.text(data, role, f"{where} geometry")
            if name not in by_name:
                raise self.fail(where, f"field 'geometry' {role} {name!r} is not a column of the set")
            if by_name[name].kind != role:
                raise self.fail(
                    where, f"field 'geometry' {role} {name!r} has kind {by_name[name].kind!r}, not {role!r}"
                )
        return Geometry(latitude=data["latitude"], longitude=data["longitude"])

    def legacy(self, raw: Any, where: str, by_name: Mapping[str, SpecColumn]) -> LegacyGeneration | None:
        if raw is None:
            return None
        where = f"{where} legacy"
        data = self.fields(raw, where, ("columns", "mapping"), ("unmapped",))
        legacy_columns = self.names(data, "columns", where)
        known = set(legacy_columns)
        mapping = self.string_map(data, "mapping", where)
        used: set[str] = set()
        for target, value in mapping.items():
            if target not in by_name:
                raise self.fail(where, f"field 'mapping' maps to {target!r}, which is not a column of the set")
            for source in self.mapping_sources(value, f"{where} mapping {target!r}"):
                if source not in known:
                    raise self.fail(
                        f"{where} mapping {target!r}", f"{source!r} is not a legacy column (value {value!r})"
                    )
                used.add(source)
        unmapped = self.string_map(data, "unmapped", where)
        for name in unmapped:
            if name not in known:
                raise self.fail(where, f"field 'unmapped' names {name!r}, which is not a legacy column")
            if name in used:
                raise self.fail(where, f"field 'unmapped' names {name!r}, but the mapping uses it")
        forgotten = [name for name in legacy_columns if name not in used and name not in unmapped]
        if forgotten:
            raise self.fail(
                where, f"legacy column {forgotten[0]!r} is neither used by 'mapping' nor listed under 'unmapped'"
            )
        return LegacyGeneration(
            columns=legacy_columns, mapping=MappingProxyType(mapping), unmapped=MappingProxyType(unmapped)
        )

    def mapping_sources(self, value: str, where: str) -> tuple[str, ...]:
        if "{" not in value and "}" not in value:
            return (value,)
        sources = template_columns(value)
        if not sources or _PLACEHOLDER.sub("", value).count("{") or _PLACEHOLDER.sub("", value).count("}"):
            raise self.fail(where, f"template {value!r} must hold {{column}} placeholders with balanced braces")
        if any(not source for source in sources):
            raise self.fail(where, f"template {value!r} has an empty placeholder")
        return sources


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    return f"{type(value).__name__} {value!r}"


def _choices(options: frozenset[str]) -> str:
    return ", ".join(sorted(options))
