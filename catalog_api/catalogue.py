"""The current catalogue in the shapes the other vocabularies start from, built once per state of it.

The CKAN Action API (``routers/ckan.py``) answers from its packages and the DCAT-AP and schema.org
views (``routers/dcat.py``) from the dataset objects: one build, kept in the app's answer memory
until a release or a gate run changes the catalogue (``ReleaseStore.catalogue_state``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from catalog_api import ckan
from catalog_api.answers import AnswerCache
from catalog_api.deps import CatalogueUrls
from catalog_api.release_store import ReleaseStore
from catalog_api.schemas import DatasetOut


@dataclass
class Catalogue:
    """Every current dataset as a CKAN package, with the API's own object beside it (for search)."""

    packages: list[dict[str, Any]]
    datasets: dict[str, dict[str, Any]]
    first_published: dict[str, str]

    def package(self, id_or_name: str) -> dict[str, Any]:
        for p in self.packages:
            if id_or_name in (p["id"], p["name"]):
                return p
        raise ckan.not_found()

    def resource(self, resource_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
        for p in self.packages:
            for r in p["resources"]:
                if r["id"] == resource_id:
                    return p, r
        raise ckan.not_found()

    def organizations(self) -> dict[str, tuple[ckan.Organization, int]]:
        found: dict[str, tuple[ckan.Organization, int]] = {}
        for dataset in self.datasets.values():
            organization = ckan.organization_of(dataset)
            if organization is None:
                continue
            known, count = found.get(organization.name, (organization, 0))
            earliest = min(known, organization, key=lambda o: o.created or "")  # created: its first dataset's
            found[organization.name] = (earliest, count + 1)
        return found


def current_catalogue(store: ReleaseStore, urls: CatalogueUrls, answers: AnswerCache) -> Catalogue:
    """Every current dataset (its API object, first publication and CKAN package), remembered per state."""
    key = ("catalogue", store.catalogue_state(), urls.base_url)
    cached = answers.get(key)
    if cached is None:
        packages, datasets, firsts = [], {}, {}
        for release in store.list_current():
            dataset = DatasetOut.from_current(release, urls, store.latest_attempt(release.dataset_id))
            document = dataset.model_dump(by_alias=True)
            first = store.versions(release.dataset_id)[0].created_at
            queryable = any(r.name == "data.parquet" for r in release.resources)
            packages.append(ckan.package(document, first, queryable))
            datasets[release.dataset_id] = document
            firsts[release.dataset_id] = first
        cached = Catalogue(packages, datasets, firsts)
        answers.put(key, cached)
    return cached
