"""The release contract: what a release says about itself, typed, and where the public finds it.

``pipelines`` writes releases and ``catalog_api`` reads them; this module is everything the two
sides share about their *content* (``release_store`` owns how they are stored):

* :class:`ReleaseMetadata` — what ``metadata.json`` holds besides what the store adds, including
  the ``quality`` attachment (:class:`QualitySummary`, whose failures are :class:`QualityFailure`);
  :class:`ReleaseDocument` is the whole ``metadata.json`` (plus :data:`STORE_KEYS` and the
  :class:`Resource` list the store writes);
* :class:`AttemptRecord` — one quality-gate run, ``attempt.json``;
* :class:`Paths` (one :class:`PathTemplate` per route) and :class:`PublicUrls` — the public URL
  layout, from which the API declares its routes and builds its links and the pipeline writes the
  open-data list's URLs.

Why pydantic models rather than frozen dataclasses: these documents arrive as parsed JSON from disk
and must be *validated* on the way in (types, nested shapes, allowed statuses) and written back
without losing keys a newer or older writer put there. Pydantic v2 does validation, nested parsing,
extra-key pass-through and JSON dumping in one declaration, and the API already depends on it;
dataclasses would need a hand-written parser per record, which is the defensive code this module
replaces. The models are frozen, so a record read once cannot be changed behind a reader's back.

Three rules keep ``metadata.json`` byte-stable (its content hash covers the metadata, so a changed
serialisation would mint a new version of every dataset):

* JSON keys are the field names (no aliases) and values keep their JSON shapes;
* :meth:`Record.to_json` writes the fields that were *given* (``exclude_unset``): an optional field
  a writer leaves out (``standard``, ``new_release``) stays absent rather than becoming ``null``;
* unknown keys pass through (``extra="allow"``), so reading and writing a document is lossless.

Reading is strict: a value that is present must have its declared type — nothing is coerced (a
``"5"`` is not a row count, ``7`` is not a check name) and statuses and severities are closed sets;
a document that breaks this raises :class:`ContractError`. What may be *absent* is what older
releases lack: releases from before the quality gate have no ``quality`` (read as ``not_checked``)
or a dbt-only verdict without ``checked_at``, ``engines`` or ``failures``; early releases may give
the licence as a bare id string (read as ``{"id": ...}``) and leave descriptive fields out (read as
``null``). The current writers always write every field (``tests/test_release_contract.py``).

This module imports nothing from ``pipelines``: the import arrows follow the data flow.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar, get_args
from urllib.parse import quote

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
    model_validator,
)

__all__ = [
    "API_DATASETS",
    "API_ROOT",
    "ATTACHMENT_KEYS",
    "AttemptRecord",
    "Column",
    "ContractError",
    "Coverage",
    "CsvDialect",
    "GATE_STATUSES",
    "HeldBackPublisher",
    "Licence",
    "PathTemplate",
    "Paths",
    "Place",
    "PublicUrls",
    "PublisherRows",
    "QualityFailure",
    "RemovedSource",
    "QualitySummary",
    "Record",
    "ReleaseDocument",
    "ReleaseMetadata",
    "Resource",
    "STORE_KEYS",
    "SpatialCoverage",
    "TemporalCoverage",
]

Text = StrictStr
Count = Annotated[StrictInt, Field(ge=0)]
#: ``partial``: published, with some publishers' rows held back at their last good release.
GateStatus = Literal["passed", "warned", "partial", "failed"]
QualityStatus = Literal["passed", "warned", "partial", "failed", "not_checked"]
Engine = Literal["great_expectations", "dbt"]
Severity = Literal["error", "warn"]

#: What a gate run can conclude; ``not_checked`` only describes a release published before the gate.
GATE_STATUSES: frozenset[str] = frozenset(get_args(GateStatus))

_R = TypeVar("_R", bound="Record")


class ContractError(ValueError):
    """A document does not follow the release contract (the message names the record and field)."""


class Record(BaseModel):
    """Base of every JSON record: frozen, strict on values, lossless on keys (see the module doc)."""

    model_config = ConfigDict(frozen=True, extra="allow")

    def to_json(self) -> dict[str, Any]:
        """The JSON object of this record: the fields that were given, plus any unknown keys."""
        return self.model_dump(mode="json", exclude_unset=True)

    @classmethod
    def from_json(cls: type[_R], document: Mapping[str, Any]) -> _R:
        """Validate a parsed JSON object; :class:`ContractError` says which field is wrong and why."""
        if not isinstance(document, Mapping):
            raise ContractError(f"{cls.__name__}: expected a JSON object, got {type(document).__name__}")
        try:
            return cls.model_validate(dict(document))
        except ValidationError as exc:
            raise ContractError(f"{cls.__name__} does not follow the release contract: {exc}") from exc


# ----------------------------------------------------------------------------- quality


class QualityFailure(Record):
    """One check that failed in a gate run: a blocking ``error`` or a published ``warn``."""

    check: Text
    engine: Engine
    severity: Severity
    column: Text | None = None  # for dbt: the model
    expectation: Text | None = None  # the GX expectation type, or "dbt test"
    unexpected_count: Count | None = None
    sample: tuple[JsonValue, ...] = ()  # a few failing values, as the data held them
    partitions: tuple[Text, ...] = ()  # partitions (publishers, days) holding failing rows
    notes: Text | None = None


class HeldBackPublisher(Record):
    """A publisher whose rows failed a blocking check: its update is not published, the others' are.

    The gate names the publisher, the checks and a few failing values; the release step adds what
    the release then holds for it: its rows of the last good release (``kept_from_version``), or
    none at all when it never passed (``kept_from_version`` null, ``rows_kept`` 0).
    """

    code: Text  # 全国地方公共団体コード (the set's partition column)
    checks: tuple[Text, ...]
    sample: tuple[JsonValue, ...] = ()  # failing values of this publisher's rows, a few per check
    rows_failing: Count | None = None
    kept_from_version: StrictInt | None = None
    rows_kept: Count | None = None


class QualitySummary(Record):
    """What a gate run found: the ``quality`` of a release's metadata and of an attempt.

    The gate writes every field. A release from before the gate has a dbt-only verdict (status and
    counts, with keys of its own such as ``engine``) or nothing, read as :meth:`not_checked`.
    """

    status: QualityStatus
    checked_at: Text | None = None  # UTC, ISO 8601
    checks_passed: Count | None = None
    checks_failed: Count | None = None
    checks_warned: Count | None = None
    engines: tuple[Engine, ...] | None = None
    report: Text | None = None  # file name of the HTML report in the same release or attempt
    failures: tuple[QualityFailure, ...] = ()  # blocking failures first, then warnings
    held_back_publishers: tuple[HeldBackPublisher, ...] = ()  # status ``partial``: whose update waits

    @classmethod
    def not_checked(cls) -> QualitySummary:
        """The quality of a release published before the gate existed."""
        return cls(status="not_checked")


# ----------------------------------------------------------------------------- release metadata


class Licence(Record):
    """A dataset's licence: an SPDX-style id, a human title and where the licence text is."""

    id: Text
    title: Text | None = None
    url: Text | None = None


class Column(Record):
    """One column of a dataset, as its dbt documentation describes it."""

    name: Text
    type: Text  # the DuckDB type, e.g. VARCHAR
    description: Text | None = None
    description_en: Text | None = None


class CsvDialect(Record):
    """How ``data.csv`` is written, so a client can read it without guessing."""

    encoding: Text  # "UTF-8 with BOM"
    line_terminator: Text  # "CRLF"
    header: StrictBool
    #: How text cells a spreadsheet would run as formulas are written (absent in releases made before)
    formula_cells: Text | None = None


class PublisherRows(Record):
    """Whose rows a standard set holds: one publishing body and its row count."""

    code: Text | None  # 全国地方公共団体コード
    name: Text | None  # 地方公共団体名
    rows: Count


class RemovedSource(Record):
    """A registry source taken out since the previous release: its rows are no longer in the set."""

    publisher_code: Text  # 全国地方公共団体コード
    publisher_name: Text | None = None
    source_id: Text  # the registry entry's id
    rows_removed: Count  # the rows it had in the warehouse when it was taken out
    removed_at: Text  # UTC, ISO 8601


class TemporalCoverage(Record):
    """The period a dataset's rows are about, from the column that dates them.

    ``unit`` says how the column reads: ``day`` (a DATE or TIMESTAMP; ``start``/``end`` are its
    first and last day) or ``fiscal_year`` (a Japanese fiscal year as its starting year, April to
    March: 2023 covers 2023-04-01 to 2024-03-31). ``start`` and ``end`` are ISO dates, inclusive.
    """

    start: Text
    end: Text
    column: Text
    unit: Literal["day", "fiscal_year"]


class Place(Record):
    """A municipality (or the prefecture) a dataset covers: 全国地方公共団体コード and name."""

    code: Text
    name: Text | None = None


class SpatialCoverage(Record):
    """Where a dataset's rows are: the box around its points and the municipalities it covers.

    ``bbox`` is ``[min_lon, min_lat, max_lon, max_lat]`` (WGS84, as GeoJSON orders it), over the
    rows that have coordinates (``points`` of them); absent for a set without coordinates.
    """

    bbox: tuple[StrictFloat, StrictFloat, StrictFloat, StrictFloat] | None = None
    points: Count | None = None
    places: tuple[Place, ...] = ()


class Coverage(Record):
    """A dataset's coverage in time and space (DCAT's ``dct:temporal`` and ``dct:spatial``)."""

    temporal: TemporalCoverage | None = None
    spatial: SpatialCoverage | None = None


class ReleaseMetadata(Record):
    """What ``metadata.json`` holds besides the store's own keys (:data:`STORE_KEYS`).

    Everything but ``quality`` is the release's *content* and goes into its content hash;
    ``quality`` is an attachment (:data:`ATTACHMENT_KEYS`): re-checking unchanged data must not
    mint a new version. Use :meth:`content_json` and :meth:`attachment_json` to publish.
    """

    title: Text | None = None
    title_en: Text | None = None
    description: Text | None = None
    description_en: Text | None = None
    publisher: Text | None = None
    publisher_en: Text | None = None
    publisher_code: Text | None = None  # the publisher's 全国地方公共団体コード
    license: Licence | None = None
    keywords: tuple[Text, ...] = ()
    source: Mapping[str, JsonValue] | None = None  # the dbt meta's source block, as declared
    columns: tuple[Column, ...] = ()
    row_count: Count | None = None
    csv: CsvDialect | None = None
    dbt_model: Text | None = None
    standard: Mapping[str, JsonValue] | None = None  # standard sets only: spec name, edition, sheet …
    publishers: tuple[PublisherRows, ...] | None = None  # standard sets only
    #: standard sets only, and only when some were: sources taken out of the registry since the previous release
    removed_sources: tuple[RemovedSource, ...] = ()
    #: absent in releases made before coverage was recorded
    coverage: Coverage | None = None
    quality: QualitySummary = Field(default_factory=QualitySummary.not_checked)

    @field_validator("license", mode="before")
    @classmethod
    def _licence_from_bare_id(cls, value: object) -> object:
        # Early releases wrote the licence as its id alone; "" meant "no licence".
        if value == "":
            return None
        return {"id": value} if isinstance(value, str) else value

    def content_json(self) -> dict[str, Any]:
        """The hashed part: every given field except the attachments."""
        return {k: v for k, v in self.to_json().items() if k not in ATTACHMENT_KEYS}

    def attachment_json(self) -> dict[str, Any]:
        """The attached part (``quality``, when given), written beside the content but not hashed."""
        return {k: v for k, v in self.to_json().items() if k in ATTACHMENT_KEYS}


#: Keys of metadata.json that are attachments: written into the release but not hashed.
ATTACHMENT_KEYS: frozenset[str] = frozenset({"quality"})


class Resource(Record):
    """One downloadable file of a release, as recorded in its metadata.json."""

    name: Text  # e.g. "data.csv"
    format: Text  # "CSV", "Parquet", "JSON", "GeoJSON", "HTML"
    media_type: Text
    bytes: Count
    sha256: Annotated[Text, Field(pattern=r"^[0-9a-f]{64}$")]


class ReleaseDocument(ReleaseMetadata):
    """A whole ``metadata.json``: the caller's metadata plus what the release store writes."""

    id: Text
    version: Annotated[StrictInt, Field(ge=1)]
    content_hash: Annotated[Text, Field(pattern=r"^[0-9a-f]{64}$")]
    created_at: Text  # UTC, ISO 8601
    resources: tuple[Resource, ...]


#: Keys of metadata.json the release store sets itself; a publisher may not supply them.
STORE_KEYS: frozenset[str] = frozenset(ReleaseDocument.model_fields) - frozenset(ReleaseMetadata.model_fields)


# ----------------------------------------------------------------------------- attempts


class AttemptRecord(Record):
    """One run of a dataset's quality gate (``attempt.json``), published or held back.

    Attempts have one format since the gate exists, so every field the gate writes is required.
    ``new_release`` is written only by a publishing run; ``id`` and ``dataset_id`` by the store.
    """

    published: StrictBool
    release_version: Annotated[StrictInt, Field(ge=1)] | None  # published or left unchanged; null when blocked
    run_id: Text  # the Dagster run
    quality: QualitySummary
    new_release: StrictBool | None = None  # False: the data was unchanged, no version minted
    id: Text | None = None
    dataset_id: Text | None = None

    @model_validator(mode="after")
    def _consistent(self) -> AttemptRecord:
        if self.quality.status not in GATE_STATUSES:
            raise ValueError(f"an attempt is a gate run; its quality status cannot be {self.quality.status!r}")
        if self.published != (self.release_version is not None):
            raise ValueError("release_version is set exactly when the attempt published")
        return self


# ----------------------------------------------------------------------------- public URLs


@dataclass(frozen=True)
class PathTemplate:
    """One public path, such as ``/api/v1/datasets/{dataset_id}``, and the API route serving it.

    The routes are declared from these templates and links are built from them, so the API, its
    responses and the pipeline's open-data list can never disagree about a URL.
    """

    route_name: str  # the route's name and OpenAPI operation id
    template: str

    @property
    def parameters(self) -> frozenset[str]:
        """Names of the template's ``{placeholders}``."""
        return frozenset(name for _, name, _, _ in string.Formatter().parse(self.template) if name)

    def path(self, **params: str | int) -> str:
        """The path with ``params`` filled in, each percent-encoded as one path segment."""
        if set(params) != self.parameters:
            raise TypeError(f"{self.route_name} takes {sorted(self.parameters)}, got {sorted(params)}")
        return self.template.format(**{key: quote(str(value), safe="") for key, value in params.items()})

    def relative_to(self, prefix: str) -> str:
        """The template below a router's ``prefix`` (how FastAPI wants a route path declared)."""
        if not self.template.startswith(prefix):
            raise ValueError(f"{self.template!r} is not under {prefix!r}")
        return self.template[len(prefix):]


#: The API's root, and where the datasets API lives (the datasets router's prefix).
API_ROOT = "/api/v1"
API_DATASETS = API_ROOT + "/datasets"


class Paths:
    """The public URL layout: one template per route (a namespace of constants, never instantiated)."""

    DATASETS = PathTemplate("list_datasets", API_DATASETS)
    DATASET = PathTemplate("get_dataset", API_DATASETS + "/{dataset_id}")
    CURRENT_FILE = PathTemplate("get_current_file", API_DATASETS + "/{dataset_id}/{filename}")
    VERSIONS = PathTemplate("list_versions", API_DATASETS + "/{dataset_id}/versions")
    VERSION = PathTemplate("get_version", API_DATASETS + "/{dataset_id}/versions/{version}")
    VERSION_FILE = PathTemplate("get_version_file", API_DATASETS + "/{dataset_id}/versions/{version}/{filename}")
    QUALITY = PathTemplate("get_dataset_quality", API_DATASETS + "/{dataset_id}/quality")
    RECORDS = PathTemplate("list_records", API_DATASETS + "/{dataset_id}/records")
    DIFF = PathTemplate("diff_versions", API_DATASETS + "/{dataset_id}/diff")
    EXPORT = PathTemplate("export_data", API_DATASETS + "/{dataset_id}/data.{format}")
    CHANGES = PathTemplate("list_changes", API_ROOT + "/changes")
    CHANGES_FEED = PathTemplate("changes_feed", API_ROOT + "/changes.atom")
    ATTEMPT_FILE = PathTemplate("get_attempt_file", API_DATASETS + "/{dataset_id}/attempts/{attempt_id}/{filename}")
    DCAT_CATALOGUE = PathTemplate("dcat_catalogue", "/catalog.jsonld")
    DCAT_CATALOGUE_TURTLE = PathTemplate("dcat_catalogue_turtle", "/catalog.ttl")
    DCAT_DATASET = PathTemplate("dcat_dataset", API_DATASETS + "/{dataset_id}.jsonld")
    DCAT_DATASET_TURTLE = PathTemplate("dcat_dataset_turtle", API_DATASETS + "/{dataset_id}.ttl")
    SCHEMA_ORG = PathTemplate("schema_org_dataset", API_DATASETS + "/{dataset_id}/schema.org.jsonld")
    CATALOGUE_PAGE = PathTemplate("catalogue_page", "/")
    DATASET_PAGE = PathTemplate("dataset_page", "/datasets/{dataset_id}")

    @classmethod
    def all(cls) -> tuple[PathTemplate, ...]:
        """Every public path, for the tests that hold them to the app's routes."""
        return tuple(value for value in vars(cls).values() if isinstance(value, PathTemplate))


class PublicUrls:
    """Absolute URLs of the catalogue under one base URL (``https://data.example.jp/catalogue``).

    Absolute because clients follow links and open-data lists are read elsewhere; both the API
    (base: ``TDPF_BASE_URL`` or the request's own) and the pipeline (base: ``TDPF_BASE_URL``) use it.
    """

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")

    def url(self, template: PathTemplate, **params: str | int) -> str:
        """Absolute URL of ``template`` with ``params`` filled in."""
        return self.base_url + template.path(**params)

    def datasets(self) -> str:
        return self.url(Paths.DATASETS)

    def dataset(self, dataset_id: str) -> str:
        return self.url(Paths.DATASET, dataset_id=dataset_id)

    def current_file(self, dataset_id: str, filename: str) -> str:
        """The file of the current release: the URL to bookmark, it follows new versions."""
        return self.url(Paths.CURRENT_FILE, dataset_id=dataset_id, filename=filename)

    def versions(self, dataset_id: str) -> str:
        return self.url(Paths.VERSIONS, dataset_id=dataset_id)

    def version(self, dataset_id: str, version: int) -> str:
        return self.url(Paths.VERSION, dataset_id=dataset_id, version=version)

    def version_file(self, dataset_id: str, version: int, filename: str) -> str:
        """The file of one version: immutable, so safe to cache forever."""
        return self.url(Paths.VERSION_FILE, dataset_id=dataset_id, version=version, filename=filename)

    def records(self, dataset_id: str) -> str:
        return self.url(Paths.RECORDS, dataset_id=dataset_id)

    def export(self, dataset_id: str, fmt: str) -> str:
        """The current release's rows as ``data.<fmt>``; with a records query, only the rows it selects."""
        return self.url(Paths.EXPORT, dataset_id=dataset_id, format=fmt)

    def changes_feed(self) -> str:
        return self.url(Paths.CHANGES_FEED)

    def quality(self, dataset_id: str) -> str:
        return self.url(Paths.QUALITY, dataset_id=dataset_id)

    def attempt_file(self, dataset_id: str, attempt_id: str, filename: str) -> str:
        return self.url(Paths.ATTEMPT_FILE, dataset_id=dataset_id, attempt_id=attempt_id, filename=filename)

    def catalogue_page(self) -> str:
        return self.url(Paths.CATALOGUE_PAGE)

    def dataset_page(self, dataset_id: str) -> str:
        """The human-readable page of a dataset."""
        return self.url(Paths.DATASET_PAGE, dataset_id=dataset_id)
