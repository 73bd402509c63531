"""Public response models of the API, built from the typed records of the release contract.

Kept apart from the contract's records (``ReleaseDocument``, ``QualitySummary``, ``AttemptRecord``)
on purpose: the release format may grow fields for the pipelines' needs without changing the API,
and API-only fields (absolute URLs, links) never leak into the files on disk. Reading goes through
the contract, which validates each document once; a release that breaks it is a server error (the
one JSON error shape), never a response with silently nulled fields.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from catalog_api.release_contract import AttemptRecord, QualitySummary, ReleaseDocument
from catalog_api.release_store import Attempt, Release

if TYPE_CHECKING:
    from catalog_api.deps import CatalogueUrls


class ResourceOut(BaseModel):
    """A downloadable file of a dataset release."""

    name: str = Field(description="File name, e.g. `data.csv`; the format is part of the URL.")
    format: str = Field(description="`CSV`, `Parquet`, `JSON`, `GeoJSON` or `HTML`.")
    media_type: str = Field(description="Content-Type the file is served with.")
    url: str = Field(description="Absolute, immutable URL of this file in this version.")
    bytes: int = Field(description="Size in bytes.")
    sha256: str = Field(description="Hex SHA-256 of the file; also its ETag.")


class LicenseOut(BaseModel):
    """The licence of a dataset: an SPDX-style id, a human title and the licence text's URL."""

    id: str = Field(description="e.g. `CC-BY-4.0`.")
    title: str | None = Field(default=None, description="e.g. `CC BY 4.0 (クリエイティブ・コモンズ 表示 4.0 国際)`.")
    url: str | None = Field(default=None, description="Where the licence text is.")


class DatasetLinks(BaseModel):
    """Related URLs, absolute, so clients navigate without building paths themselves."""

    model_config = ConfigDict(populate_by_name=True)

    self_: str = Field(alias="self", description="This dataset in the API (current version).")
    versions: str = Field(description="All versions of this dataset.")
    html: str = Field(description="Human-readable catalogue page.")
    quality: str = Field(description="Quality of the served release and the latest gate run.")


class QualityFailureOut(BaseModel):
    """A check that failed in a quality gate (blocking ``error`` or published ``warn``).

    Keys beyond the declared ones (``expectation`` …) pass through as the pipeline wrote them.
    """

    model_config = ConfigDict(extra="allow")

    check: str = Field(description="Check name, e.g. `in_japan_latitude`.")
    engine: str = Field(description="`great_expectations` or `dbt`.")
    severity: str = Field(description="`error` blocks publication; `warn` is published and shown.")
    column: str | None = Field(default=None, description="Column checked (for dbt: the model).")
    unexpected_count: int | None = Field(default=None, description="Rows that failed the check.")
    sample: list[Any] = Field(default_factory=list, description="A few failing values.")
    partitions: list[Any] = Field(default_factory=list, description="Partitions holding failing rows.")
    notes: str | None = None


class HeldBackPublisherOut(BaseModel):
    """A publisher whose update the gate held back (status ``partial``); the others were published."""

    model_config = ConfigDict(extra="allow")

    code: str = Field(description="全国地方公共団体コード of the publisher.")
    checks: list[str] = Field(description="The blocking checks its rows fail.")
    sample: list[Any] = Field(default_factory=list, description="A few of its failing values.")
    kept_from_version: int | None = Field(
        default=None, description="Release version its published rows come from; null when it never passed (left out).")
    rows_kept: int | None = Field(default=None, description="Its rows in this release (from that older version).")


class AttemptOut(BaseModel):
    """One run of a dataset's quality gate (the latest, where shown), whether or not it published."""

    id: str = Field(description="Attempt id, e.g. `20261126T024000123456Z-1a2b3c4d`.")
    checked_at: str | None = Field(description="When the gate ran (UTC, ISO 8601).")
    status: str = Field(description="`passed`, `warned`, `partial` (published, some publishers held back) or "
                                    "`failed` (not published).")
    checks_passed: int | None
    checks_failed: int | None
    checks_warned: int | None
    published: bool = Field(description="False when the gate held the update back.")
    release_version: int | None = Field(description="Version published or left unchanged; null when blocked.")
    failures: list[QualityFailureOut]
    held_back_publishers: list[HeldBackPublisherOut] = Field(
        default_factory=list, description="Publishers whose update this run held back (status `partial`).")
    report: str | None = Field(description="Absolute URL of the attempt's HTML report.")

    @classmethod
    def from_attempt(cls, attempt: Attempt, urls: CatalogueUrls) -> AttemptOut:
        """Summarise attempt.json (an :class:`AttemptRecord`); ``report`` only if the attempt holds it."""
        record = AttemptRecord.from_json(attempt.document)
        quality = record.quality
        return cls(
            id=attempt.id,
            checked_at=quality.checked_at,
            status=quality.status,
            checks_passed=quality.checks_passed,
            checks_failed=quality.checks_failed,
            checks_warned=quality.checks_warned,
            published=record.published,
            release_version=record.release_version,
            failures=[QualityFailureOut.model_validate(f.to_json()) for f in quality.failures],
            held_back_publishers=[HeldBackPublisherOut.model_validate(p.to_json()) for p in quality.held_back_publishers],
            report=_report_url(
                quality, attempt.files, lambda name: urls.attempt_file(attempt.dataset_id, attempt.id, name)
            ),
        )


class QualityOut(BaseModel):
    """What a release's quality gate found, as recorded in its metadata.json.

    Releases published before the gate existed have no ``quality``: they get
    ``{"status": "not_checked"}`` rather than an error. Unknown keys pass through.
    ``latest_attempt`` appears only where the *current* release is shown (an old version's check
    says nothing about the dataset's latest run), so it is dropped from the output unless set.
    """

    model_config = ConfigDict(extra="allow")

    status: str = Field(description="`passed`, `warned`, `partial` (published, some publishers held back at "
                                    "their last good rows), `failed` or `not_checked`.")
    checked_at: str | None = Field(default=None, description="When the gate ran (UTC, ISO 8601).")
    checks_passed: int | None = None
    checks_failed: int | None = None
    checks_warned: int | None = None
    engines: list[str] | None = Field(default=None, description="e.g. `[\"great_expectations\", \"dbt\"]`.")
    report: str | None = Field(default=None, description="Absolute URL of this release's HTML quality report.")
    failures: list[QualityFailureOut] = Field(
        default_factory=list, description="Failed checks (for a served release: its warnings)."
    )
    held_back_publishers: list[HeldBackPublisherOut] = Field(
        default_factory=list, description="Publishers whose update was held back, and what the release keeps of theirs."
    )
    latest_attempt: AttemptOut | None = Field(
        default=None, description="Current-release endpoints only: the latest gate run, or null if none."
    )

    @model_serializer(mode="wrap")
    def _omit_unset_latest_attempt(self, handler: SerializerFunctionWrapHandler):  # type: ignore[no-untyped-def]
        # No return annotation on purpose: with one, pydantic documents the model as a bare object.
        data = handler(self)
        if "latest_attempt" not in self.model_fields_set:
            data.pop("latest_attempt", None)
        return data

    @classmethod
    def from_release(cls, release: Release, urls: CatalogueUrls) -> QualityOut:
        """The release's ``quality`` with ``report`` (a file of the release) as an absolute URL."""
        return cls.from_document(release, ReleaseDocument.from_json(release.metadata), urls)

    @classmethod
    def from_document(cls, release: Release, document: ReleaseDocument, urls: CatalogueUrls) -> QualityOut:
        """As :meth:`from_release`, for a release whose metadata was already read."""
        quality = document.quality
        names = {r.name for r in release.resources}
        report = _report_url(quality, names, lambda name: urls.version_file(release.dataset_id, release.version, name))
        # Keys of an older verdict (``engine``, ``checks``) pass through; latest_attempt is the API's own.
        passthrough = {k: v for k, v in quality.to_json().items() if k != "latest_attempt"}
        return cls.model_validate({**passthrough, "report": report})


def _report_url(quality: QualitySummary, files: Collection[str], url_of: Callable[[str], str]) -> str | None:
    """Absolute URL of the quality report, or None when the release or attempt holds no such file.

    A report name that is not a file of its release would be a dead link, so it is not offered.
    """
    return url_of(quality.report) if quality.report is not None and quality.report in files else None


class DatasetQualityOut(BaseModel):
    """A dataset's quality at a glance: the served release's check and the latest gate run.

    They differ when the gate held an update back: ``served`` is still the last good release.
    """

    dataset_id: str
    served: QualityOut | None = Field(description="Quality of the current release; null if none is published.")
    latest_attempt: AttemptOut | None = Field(description="The latest gate run; null if never checked.")


class TemporalCoverageOut(BaseModel):
    """The period the rows are about (inclusive ISO dates), measured when the release was published."""

    start: str = Field(description="First day covered, e.g. `2023-04-01`.")
    end: str = Field(description="Last day covered, e.g. `2024-03-31`.")
    column: str = Field(description="The column that dates the rows.")
    unit: str = Field(description="`day` (a date column) or `fiscal_year` (April to March, by its starting year).")


class PlaceOut(BaseModel):
    code: str = Field(description="全国地方公共団体コード, e.g. `131041`.")
    name: str | None = Field(default=None, description="e.g. `新宿区`.")


class SpatialCoverageOut(BaseModel):
    """Where the rows are: the box around their points and the municipalities they cover."""

    bbox: list[float] | None = Field(default=None, description="`[min_lon, min_lat, max_lon, max_lat]` (WGS84) "
                                     "of the rows with coordinates; null for a set without coordinates.")
    points: int | None = Field(default=None, description="Rows with coordinates.")
    places: list[PlaceOut] = Field(default_factory=list)


class CoverageOut(BaseModel):
    """Coverage in time and space (DCAT `dct:temporal`, `dct:spatial`); either part may be null."""

    temporal: TemporalCoverageOut | None = None
    spatial: SpatialCoverageOut | None = None


class DatasetOut(BaseModel):
    """A dataset as its current (or requested) release describes it.

    Every key of the release's metadata.json is passed through (``extra="allow"``: columns, source,
    keywords …); the fields declared here are guaranteed to be present, possibly ``null``.
    """

    model_config = ConfigDict(extra="allow")

    id: str
    title: str = Field(description="Title in Japanese (falls back to the id).")
    title_en: str | None = Field(description="Title in English.")
    description: str | None = None
    publisher: str | None
    license: LicenseOut | None
    version: int = Field(description="Release version; increases by one per changed release.")
    content_hash: str = Field(description="SHA-256 over file digests and metadata; equal content, equal hash.")
    row_count: int | None
    updated_at: str = Field(description="When this release was published (UTC, ISO 8601).")
    created_at: str = Field(description="Same as `updated_at` for the release shown.")
    resources: list[ResourceOut]
    coverage: CoverageOut | None = Field(default=None, description="Coverage in time and space; null for releases "
                                         "published before it was recorded.")
    quality: QualityOut = Field(description="The release's quality check (`not_checked` for older releases).")
    links: DatasetLinks

    @classmethod
    def from_current(cls, release: Release, urls: CatalogueUrls, attempt: Attempt | None) -> DatasetOut:
        """The current release, with the dataset's latest gate run inside ``quality``.

        Only the current release gets it: a held-back update concerns what is served now.
        """
        dataset = cls.from_release(release, urls)
        dataset.quality.latest_attempt = AttemptOut.from_attempt(attempt, urls) if attempt else None
        return dataset

    @classmethod
    def from_release(cls, release: Release, urls: CatalogueUrls) -> DatasetOut:
        """Build the public object: metadata passthrough, then the guaranteed fields on top."""
        document = ReleaseDocument.from_json(release.metadata)
        passthrough = {k: v for k, v in document.to_json().items() if k not in ("resources", "links")}
        data = {
            **passthrough,
            "id": release.dataset_id,
            "title": document.title or release.dataset_id,
            "title_en": document.title_en,
            "description": document.description,
            "publisher": document.publisher,
            "license": LicenseOut.model_validate(document.license.to_json()) if document.license else None,
            "version": release.version,
            "content_hash": release.content_hash,
            "row_count": document.row_count,
            "updated_at": release.created_at,
            "created_at": release.created_at,
            "resources": [
                ResourceOut(
                    name=r.name,
                    format=r.format,
                    media_type=r.media_type,
                    url=urls.version_file(release.dataset_id, release.version, r.name),
                    bytes=r.bytes,
                    sha256=r.sha256,
                )
                for r in release.resources
            ],
            "quality": QualityOut.from_document(release, document, urls),
            "links": DatasetLinks(
                self_=urls.dataset(release.dataset_id),
                versions=urls.versions(release.dataset_id),
                html=urls.dataset_page(release.dataset_id),
                quality=urls.quality(release.dataset_id),
            ),
        }
        return cls.model_validate(data)


class FacetCount(BaseModel):
    value: str
    count: int


class DatasetList(BaseModel):
    """The catalogue (or the part a search found): current releases, one page of them."""

    count: int = Field(description="Datasets found (all pages).")
    results: list[DatasetOut]
    facets: dict[str, list[FacetCount]] = Field(
        default_factory=dict, description="Per facet, its values among the datasets found, with counts.")
    next: str | None = Field(default=None, description="The next page, or null.")


class VersionOut(BaseModel):
    """One entry of a dataset's version history."""

    version: int
    content_hash: str
    created_at: str
    row_count: int | None = Field(default=None, description="Rows of this version (null for releases without a count).")
    quality_status: str = Field(default="not_checked", description="`passed`, `warned`, `partial` … of its quality check.")
    current: bool = Field(description="True for the version the dataset currently serves.")
    url: str = Field(description="Absolute URL of this version's dataset object.")

    @classmethod
    def from_release(cls, release: Release, urls: CatalogueUrls, current: bool) -> VersionOut:
        document = ReleaseDocument.from_json(release.metadata)
        return cls(version=release.version, content_hash=release.content_hash, created_at=release.created_at,
                   row_count=document.row_count, quality_status=document.quality.status, current=current,
                   url=urls.version(release.dataset_id, release.version))


class VersionList(BaseModel):
    """All versions of a dataset, oldest first; old versions stay downloadable."""

    count: int
    results: list[VersionOut]


class Health(BaseModel):
    """Liveness plus the number of datasets the server can see (0 means nothing published yet)."""

    ok: Literal[True] = True
    datasets: int
