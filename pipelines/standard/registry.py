"""The source registry: which municipal files feed which standard open-data set.

Data engineers add a municipality by adding one YAML file (or one entry) to
``pipelines/sources/registry/`` — no code. So the loader is strict: a misspelt key, an
unknown encoding or a target set that does not exist fails at load, with a message naming
the file, the source entry and the field, before any run starts.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pipelines.standard.normalise import check_digit
from pipelines.yaml_files import load_yaml

#: The registry shipped with the project; ``TDPF_REGISTRY`` names another folder.
DEFAULT_REGISTRY = Path(__file__).resolve().parent.parent / "sources" / "registry"
#: Where ``root: realdata`` entries point unless ``TDPF_REALDATA`` says otherwise.
DEFAULT_REALDATA = Path(__file__).resolve().parents[2].parent / "shared" / "realdata"

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class RegistryError(ValueError):
    """A registry file is malformed; the message names the file, the entry and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Publisher(_Strict):
    """The body that publishes the data (情報の管理主体)."""

    code: str = Field(description="全国地方公共団体コード, 6 digits with its check digit")
    name: str = Field(min_length=1, description="地方公共団体名: prefecture + municipality")
    name_en: str | None = None

    @field_validator("code", mode="before")
    @classmethod
    def _six_digit_code(cls, value: object) -> str:
        text = str(value).strip()
        if re.fullmatch(r"\d{5}", text):
            return text + check_digit(text)
        if not re.fullmatch(r"\d{6}", text) or check_digit(text[:5]) != text[5]:
            raise ValueError(f"a 6-digit 全国地方公共団体コード with a valid check digit; found {text!r}")
        return text


class LongLayout(_Strict):
    """A long-format population table: one row per area × age band (see pipelines/standard/pivot.py)."""

    by: list[str] = Field(min_length=1, description="the columns that name one area (and survey): a row of the set each")
    age_from: str = Field(description="the column of the row's first age")
    age_to: str = Field(description="the column of its last age (blank: and over)")
    male: str
    female: str


class SourceEntry(_Strict):
    """One file of one publisher, and how its columns become a standard set's columns."""

    id: str
    dataset: str = Field(description="the target standard set's published id, e.g. aed-locations")
    file: str = Field(min_length=1, description="path relative to the root")
    root: Literal["landing", "realdata"] = "landing"
    format: Literal["csv", "xlsx", "geojson"] = "csv"
    encoding: Literal["auto", "utf-8", "utf-8-sig", "cp932"] = "auto"
    sheet: str | None = None
    header_row: int = Field(default=1, ge=1)
    header_rows: int = Field(default=1, ge=1, le=5)
    last_row: int | None = Field(default=None, ge=2, description="the table's last row (several tables in one sheet)")
    date_format: str | None = Field(default=None, description="a strptime format for dates, e.g. %m/%d/%Y")
    zero_coordinates: Literal["reject", "missing"] = "reject"
    long: LongLayout | None = None
    layout: Literal["current", "legacy", "custom"] = "current"
    columns: dict[str, str] = Field(default_factory=dict)
    fixed: dict[str, str] = Field(default_factory=dict)
    licence: str | None = None

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _SLUG.match(value):
            raise ValueError(f"a lowercase slug such as shinjuku-aed; found {value!r}")
        return value

    @field_validator("date_format")
    @classmethod
    def _a_date_format(cls, value: str | None) -> str | None:
        if value is not None and not all(directive in value for directive in ("%Y", "%m", "%d")):
            raise ValueError(f"a strptime format with %Y, %m and %d such as %m/%d/%Y; found {value!r}")
        return value

    @field_validator("fixed", mode="before")
    @classmethod
    def _fixed_as_text(cls, value: object) -> object:
        # YAML reads 131041 as an int; fixed values are cell text like any other.
        if isinstance(value, Mapping):
            return {str(k): "" if v is None else str(v) for k, v in value.items()}
        return value


class RegistryFile(_Strict):
    """One publisher's registry file."""

    publisher: Publisher
    licence: str = "CC-BY-4.0"
    sources: list[SourceEntry] = Field(min_length=1)


@dataclass(frozen=True)
class Source:
    """A registry entry resolved against its publisher and file: what ingestion works from."""

    entry: SourceEntry
    publisher: Publisher
    licence: str
    registry_file: Path

    @property
    def id(self) -> str:
        return self.entry.id

    @property
    def dataset(self) -> str:
        return self.entry.dataset

    def path(self, landing: Path, realdata: Path) -> Path:
        """Where the file is, given the landing area and the real-data folder."""
        base = realdata if self.entry.root == "realdata" else landing
        return base / self.entry.file


@dataclass(frozen=True)
class Registry:
    """Every source, in a stable order (publisher code, then source id)."""

    sources: tuple[Source, ...]

    @property
    def publisher_codes(self) -> tuple[str, ...]:
        """One partition per publisher: a new file re-runs its publisher only."""
        return tuple(sorted({s.publisher.code for s in self.sources}))

    def for_publisher(self, code: str) -> tuple[Source, ...]:
        return tuple(s for s in self.sources if s.publisher.code == code)

    def publisher(self, code: str) -> Publisher:
        for source in self.sources:
            if source.publisher.code == code:
                return source.publisher
        raise KeyError(f"no publisher {code!r} in the registry; known: {', '.join(self.publisher_codes)}")


def registry_dir() -> Path:
    """The registry folder in use: ``TDPF_REGISTRY`` or the one shipped with the project."""
    configured = os.environ.get("TDPF_REGISTRY")
    return Path(configured).resolve() if configured else DEFAULT_REGISTRY


def realdata_dir() -> Path:
    """The real-data folder: ``TDPF_REALDATA`` or ``../shared/realdata`` beside the checkout."""
    configured = os.environ.get("TDPF_REALDATA")
    return Path(configured).resolve() if configured else DEFAULT_REALDATA


def load_registry(folder: Path | None = None, known_datasets: frozenset[str] | None = None) -> Registry:
    """Load and validate every ``*.yaml`` file of the registry folder.

    ``known_datasets`` (the standard sets' ids) lets a typo in ``dataset:`` fail here rather
    than as an empty dataset later.
    """
    folder = folder or registry_dir()
    if not folder.is_dir():
        raise RegistryError(f"{folder}: the source registry folder does not exist")
    sources: list[Source] = []
    for path in sorted(folder.glob("*.yaml")):
        document = _parse(path)
        for entry in document.sources:
            if known_datasets is not None and entry.dataset not in known_datasets:
                raise RegistryError(
                    f"{path.name}: source {entry.id!r} field 'dataset': expected one of "
                    f"{', '.join(sorted(known_datasets))}; found {entry.dataset!r}"
                )
            sources.append(Source(entry, document.publisher, entry.licence or document.licence, path))
    _check_unique_ids(sources)
    return Registry(tuple(sorted(sources, key=lambda s: (s.publisher.code, s.id))))


def _parse(path: Path) -> RegistryFile:
    raw = load_yaml(path, RegistryError)
    if not isinstance(raw, dict):
        raise RegistryError(f"{path.name}: expected a mapping with publisher and sources; found {type(raw).__name__}")
    try:
        return RegistryFile.model_validate(raw)
    except ValidationError as exc:
        raise RegistryError(_describe(path, raw, exc)) from exc


def _describe(path: Path, raw: dict, exc: ValidationError) -> str:
    """Turn pydantic's error list into 'file: source 'x' field 'y': problem' lines."""
    lines = []
    for error in exc.errors():
        loc = list(error["loc"])
        where = path.name
        if loc[:1] == ["sources"] and len(loc) > 1 and isinstance(loc[1], int):
            entries = raw.get("sources") or []
            entry = entries[loc[1]] if loc[1] < len(entries) and isinstance(entries[loc[1]], dict) else {}
            where += f": source {entry.get('id', '#' + str(loc[1] + 1))!r}"
            loc = loc[2:]
        field = ".".join(str(part) for part in loc) or "(entry)"
        message = error["msg"].removeprefix("Value error, ")
        lines.append(f"{where} field {field!r}: {message}")
    return "\n".join(lines)


def _check_unique_ids(sources: list[Source]) -> None:
    seen: dict[str, Path] = {}
    for source in sources:
        if source.id in seen:
            raise RegistryError(
                f"{source.registry_file.name}: source {source.id!r} field 'id': already used in {seen[source.id].name}"
            )
        seen[source.id] = source.registry_file
