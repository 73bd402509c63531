"""Public response models of the API.

Kept apart from the release store's records (``Release``, ``Resource``) on purpose: the store's
format may grow fields for the pipelines' needs without changing the API, and API-only fields
(absolute URLs, links) never leak into the files on disk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from catalog_api.release_store import Release

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
    links: DatasetLinks

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
            "links": DatasetLinks(
                self_=urls.dataset(release.dataset_id),
                versions=urls.versions(release.dataset_id),
                html=urls.dataset_page(release.dataset_id),
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
