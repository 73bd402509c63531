"""Public response models of the API.

Kept apart from the release store's records (``Release``, ``Resource``) on purpose: the store's
format may grow fields for the pipelines' needs without changing the API, and API-only fields
(absolute URLs, links) never leak into the files on disk.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

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

    check: str | None = Field(default=None, description="Check name, e.g. `in_japan_latitude`.")
    engine: str | None = Field(default=None, description="`great_expectations` or `dbt`.")
    severity: str | None = Field(default=None, description="`error` blocks publication; `warn` is published and shown.")
    column: str | None = Field(default=None, description="Column checked (for dbt: the model).")
    unexpected_count: int | None = Field(default=None, description="Rows that failed the check.")
    sample: list[Any] = Field(default_factory=list, description="A few failing values.")
    partitions: list[Any] = Field(default_factory=list, description="Partitions holding failing rows.")
    notes: str | None = None


class AttemptOut(BaseModel):
    """One run of a dataset's quality gate (the latest, where shown), whether or not it published."""

    id: str = Field(description="Attempt id, e.g. `20261126T024000123456Z-1a2b3c4d`.")
    checked_at: str | None = Field(description="When the gate ran (UTC, ISO 8601).")
    status: str = Field(description="`passed`, `warned` or `failed` (`failed` was not published).")
    checks_passed: int | None
    checks_failed: int | None
    checks_warned: int | None
    published: bool = Field(description="False when the gate held the update back.")
    release_version: int | None = Field(description="Version published or left unchanged; null when blocked.")
    failures: list[QualityFailureOut]
    report: str | None = Field(description="Absolute URL of the attempt's HTML report.")

    @classmethod
    def from_attempt(cls, attempt: Attempt, urls: CatalogueUrls) -> AttemptOut:
        """Summarise attempt.json; its quality may be nested (``quality``) or, tolerated, flat."""
        document = attempt.document if isinstance(attempt.document, Mapping) else {}
        quality = document.get("quality")
        quality = quality if isinstance(quality, Mapping) else document
        report = quality.get("report")
        release_version = document.get("release_version")
        return cls(
            id=attempt.id,
            checked_at=_str_or_none(quality.get("checked_at")),
            status=_str_or_none(quality.get("status")) or "not_checked",
            checks_passed=_int_or_none(quality.get("checks_passed")),
            checks_failed=_int_or_none(quality.get("checks_failed")),
            checks_warned=_int_or_none(quality.get("checks_warned")),
            published=document.get("published") is True,
            release_version=_int_or_none(release_version),
            failures=_failures(quality.get("failures")),
            report=(
                urls.attempt_file(attempt.dataset_id, attempt.id, report)
                if isinstance(report, str) and report in attempt.files
                else None
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

    status: str = Field(description="`passed`, `warned`, `failed` or `not_checked`.")
    checked_at: str | None = Field(default=None, description="When the gate ran (UTC, ISO 8601).")
    checks_passed: int | None = None
    checks_failed: int | None = None
    checks_warned: int | None = None
    engines: list[str] | None = Field(default=None, description="e.g. `[\"great_expectations\", \"dbt\"]`.")
    report: str | None = Field(default=None, description="Absolute URL of this release's HTML quality report.")
    failures: list[QualityFailureOut] = Field(
        default_factory=list, description="Failed checks (for a served release: its warnings)."
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
        raw = release.metadata.get("quality")
        raw = dict(raw) if isinstance(raw, Mapping) else {}
        raw.pop("latest_attempt", None)
        report = raw.get("report")
        known = {r.name for r in release.resources}
        engines = raw.get("engines")
        return cls.model_validate(
            {
                **raw,
                "status": _str_or_none(raw.get("status")) or "not_checked",
                "checked_at": _str_or_none(raw.get("checked_at")),
                "checks_passed": _int_or_none(raw.get("checks_passed")),
                "checks_failed": _int_or_none(raw.get("checks_failed")),
                "checks_warned": _int_or_none(raw.get("checks_warned")),
                "engines": [str(e) for e in engines] if isinstance(engines, list) else None,
                "report": (
                    urls.version_file(release.dataset_id, release.version, report)
                    if isinstance(report, str) and report in known
                    else None
                ),
                "failures": _failures(raw.get("failures")),
            }
        )


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _failures(value: object) -> list[QualityFailureOut]:
    """Failed checks, keeping every entry readable even if a field has an unexpected type.

    The quality object is written by the pipeline, not the API; a surprise there must degrade
    one field to null, never turn a dataset response into a 500.
    """
    if not isinstance(value, list):
        return []
    failures = []
    for entry in value:
        if not isinstance(entry, Mapping):
            continue
        sample, partitions = entry.get("sample"), entry.get("partitions")
        failures.append(
            QualityFailureOut.model_validate(
                {
                    **entry,
                    "check": _str_or_none(entry.get("check")),
                    "engine": _str_or_none(entry.get("engine")),
                    "severity": _str_or_none(entry.get("severity")),
                    "column": _str_or_none(entry.get("column")),
                    "unexpected_count": _int_or_none(entry.get("unexpected_count")),
                    "sample": sample if isinstance(sample, list) else [],
                    "partitions": partitions if isinstance(partitions, list) else [],
                    "notes": _str_or_none(entry.get("notes")),
                }
            )
        )
    return failures


class DatasetQualityOut(BaseModel):
    """A dataset's quality at a glance: the served release's check and the latest gate run.

    They differ when the gate held an update back: ``served`` is still the last good release.
    """

    dataset_id: str
    served: QualityOut | None = Field(description="Quality of the current release; null if none is published.")
    latest_attempt: AttemptOut | None = Field(description="The latest gate run; null if never checked.")


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
        metadata = {k: v for k, v in release.metadata.items() if k not in ("resources", "links")}
        title = metadata.get("title")
        data = {
            **metadata,
            "id": release.dataset_id,
            "title": str(title) if title not in (None, "") else release.dataset_id,
            "title_en": metadata.get("title_en"),
            "description": metadata.get("description"),
            "publisher": metadata.get("publisher"),
            "license": _license(metadata.get("license")),
            "version": release.version,
            "content_hash": release.content_hash,
            "row_count": metadata.get("row_count"),
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
            "quality": QualityOut.from_release(release, urls),
            "links": DatasetLinks(
                self_=urls.dataset(release.dataset_id),
                versions=urls.versions(release.dataset_id),
                html=urls.dataset_page(release.dataset_id),
                quality=urls.quality(release.dataset_id),
            ),
        }
        return cls.model_validate(data)


def _license(value: object) -> LicenseOut | None:
    """Accept a licence as an object or, from older releases, as a bare id string."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        return LicenseOut(id=value)
    return LicenseOut.model_validate(value)


class DatasetList(BaseModel):
    """The catalogue: the current release of every dataset, sorted by id."""

    count: int
    results: list[DatasetOut]


class VersionOut(BaseModel):
    """One entry of a dataset's version history."""

    version: int
    content_hash: str
    created_at: str
    current: bool = Field(description="True for the version the dataset currently serves.")
    url: str = Field(description="Absolute URL of this version's dataset object.")


class VersionList(BaseModel):
    """All versions of a dataset, oldest first; old versions stay downloadable."""

    count: int
    results: list[VersionOut]


class Health(BaseModel):
    """Liveness plus the number of datasets the server can see (0 means nothing published yet)."""

    ok: Literal[True] = True
    datasets: int
