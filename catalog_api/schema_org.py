"""A dataset as schema.org's ``Dataset``: what search engines read (Google Dataset Search among them).

Served as JSON-LD by the API and embedded in each dataset page (``<script type="application/ld+json">``),
built from the API's dataset object like the DCAT and CKAN views. The properties are the ones
search engines document for datasets: name, description, identifier, url, keywords, license,
creator, distribution (``DataDownload`` with ``contentUrl`` and ``encodingFormat``), temporal and
spatial coverage, dates and version.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def dataset_document(dataset: Mapping[str, Any], first_published: str) -> dict[str, Any]:
    coverage = dataset.get("coverage") or {}
    licence = dataset.get("license") or {}
    document: dict[str, Any] = {
        "@context": "https://schema.org/", "@type": "Dataset", "@id": dataset["links"]["self"],
        "name": dataset.get("title") or dataset["id"], "description": dataset.get("description") or dataset.get("title"),
        "identifier": dataset["id"], "url": dataset["links"]["html"], "inLanguage": "ja",
        "keywords": [str(k) for k in dataset.get("keywords") or []], "isAccessibleForFree": True,
        "version": str(dataset["version"]), "datePublished": first_published, "dateModified": dataset["updated_at"],
        "distribution": [{"@type": "DataDownload", "name": r["name"], "contentUrl": r["url"],
                          "encodingFormat": r["media_type"].split(";")[0], "contentSize": f"{r['bytes']} B"}
                         for r in dataset.get("resources") or []],
        "variableMeasured": [c["name"] for c in dataset.get("columns") or [] if isinstance(c, Mapping) and c.get("name")],
    }
    if dataset.get("title_en"):
        document["alternateName"] = dataset["title_en"]
    if licence.get("url"):
        document["license"] = licence["url"]
    if dataset.get("publisher"):
        organization = {"@type": "Organization", "name": dataset["publisher"]}
        if dataset.get("publisher_en"):
            organization["alternateName"] = dataset["publisher_en"]
        document["creator"] = document["publisher"] = organization
    if coverage.get("temporal"):
        document["temporalCoverage"] = f"{coverage['temporal']['start']}/{coverage['temporal']['end']}"
    bbox = (coverage.get("spatial") or {}).get("bbox")
    if bbox:
        west, south, east, north = bbox
        document["spatialCoverage"] = {"@type": "Place", "geo": {"@type": "GeoShape",
                                                                 "box": f"{south} {west} {north} {east}"}}
    return document


def embeddable(document: Mapping[str, Any]) -> str:
    """The document as the text of a ``<script>`` element: ``<`` escaped, so no value can close it."""
    return json.dumps(document, ensure_ascii=False).replace("<", "\\u003c")
