"""The catalogue in DCAT-AP 3.0.1, as JSON-LD: what national catalogues and harvesters read.

Built from the API's own dataset objects (``schemas.DatasetOut``, by alias), like the CKAN view,
so the views cannot disagree. Every node says its class (the DCAT-AP range shapes check the class
of what a property points at, and a harvester has no inference either): publishers are
``foaf:Agent``, licences ``dct:LicenseDocument`` IRIs, formats the EU file-type IRIs, media types
IANA's IRIs, checksums ``spdx:Checksum``. Literals carry ``ja`` or ``en``. The context is inline (no
document to fetch), and every IRI is absolute from the base URL the request's links use
(``TDPF_BASE_URL`` behind a proxy), never from an untrusted ``Host``.

No I/O here; ``routers/dcat.py`` serves the documents (and Turtle, through rdflib).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from catalog_api.ckan import organization_name

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/", "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#", "spdx": "http://spdx.org/rdf/terms#",
    "locn": "http://www.w3.org/ns/locn#", "gsp": "http://www.opengis.net/ont/geosparql#",
    "owl": "http://www.w3.org/2002/07/owl#", "hydra": "http://www.w3.org/ns/hydra/core#",
    "skos": "http://www.w3.org/2004/02/skos/core#", "vcard": "http://www.w3.org/2006/vcard/ns#",
}
FILE_TYPES = "http://publications.europa.eu/resource/authority/file-type/"
#: Our resource formats as the EU file-type vocabulary names them.
FORMAT_CODES = {"CSV": "CSV", "Parquet": "PARQUET", "JSON": "JSON", "GeoJSON": "GEOJSON", "HTML": "HTML"}
IANA = "https://www.iana.org/assignments/media-types/"
CATALOGUE_TITLE = {"ja": "TDPF データカタログ", "en": "TDPF data catalogue"}
CATALOGUE_DESCRIPTION = {"ja": "自治体標準オープンデータセット、スマートポールの集計、局の数値を公開するデータカタログ。",
                         "en": "Municipal standard open data sets, smart-pole aggregates and bureau figures."}
#: Datasets in one page of the catalogue (as ckanext-dcat's default).
PAGE_SIZE = 100
#: Who publishes the catalogue itself (each dataset names its own publisher).
CATALOGUE_PUBLISHER = ("東京都デジタルサービス局", "Tokyo Metropolitan Government, Digital Service Bureau")


def literal(text: str, language: str) -> dict[str, str]:
    return {"@value": text, "@language": language}


def typed(value: object, datatype: str) -> dict[str, str]:
    return {"@value": str(value), "@type": datatype}


def texts(ja: str | None, en: str | None) -> list[dict[str, str]]:
    return [literal(t, lang) for t, lang in ((ja, "ja"), (en, "en")) if t]


def agent(base_url: str, name: str | None, name_en: str | None) -> dict[str, Any] | None:
    """A publisher as ``foaf:Agent``, named by the slug CKAN's organization has."""
    if not name:
        return None
    return {"@id": f"{base_url}/organizations/{organization_name(name, name_en)}", "@type": "foaf:Agent",
            "foaf:name": texts(name, name_en)}


def dataset_node(dataset: Mapping[str, Any], base_url: str, first_published: str) -> dict[str, Any]:
    """One dataset as a ``dcat:Dataset`` node (without the context)."""
    iri = dataset["links"]["self"]
    node: dict[str, Any] = {
        "@id": iri, "@type": "dcat:Dataset",
        "dct:identifier": dataset["id"],
        "dct:title": texts(dataset.get("title") or dataset["id"], dataset.get("title_en")),
        "dct:description": texts(dataset.get("description") or dataset.get("title") or dataset["id"],
                                 dataset.get("description_en")),
        "dct:issued": typed(first_published, "xsd:dateTime"),
        "dct:modified": typed(dataset["updated_at"], "xsd:dateTime"),
        "dcat:version": str(dataset["version"]),
        "dcat:landingPage": {"@id": dataset["links"]["html"], "@type": "foaf:Document"},
        "dcat:keyword": [literal(str(k), "en" if str(k).isascii() else "ja") for k in dataset.get("keywords") or []],
        "dcat:distribution": [distribution(dataset, r) for r in dataset.get("resources") or []],
    }
    publisher = agent(base_url, dataset.get("publisher"), dataset.get("publisher_en"))
    if publisher:
        node["dct:publisher"] = publisher
    coverage = dataset.get("coverage") or {}
    if coverage.get("temporal"):
        period = coverage["temporal"]
        node["dct:temporal"] = {"@type": "dct:PeriodOfTime", "dcat:startDate": typed(period["start"], "xsd:date"),
                                "dcat:endDate": typed(period["end"], "xsd:date")}
    spatial = coverage.get("spatial") or {}
    if spatial.get("bbox"):
        node["dct:spatial"] = {"@type": "dct:Location", "dcat:bbox": typed(wkt_box(spatial["bbox"]), "gsp:wktLiteral")}
    return node


def distribution(dataset: Mapping[str, Any], resource: Mapping[str, Any]) -> dict[str, Any]:
    """A release file as ``dcat:Distribution``: the current file to access, this version's to download."""
    licence = (dataset.get("license") or {}).get("url")
    code = FORMAT_CODES.get(str(resource["format"]))
    node: dict[str, Any] = {
        "@id": f"{dataset['links']['self']}#{resource['name']}", "@type": "dcat:Distribution",
        "dct:title": literal(f"{dataset.get('title') or dataset['id']} ({resource['format']})", "ja"),
        "dcat:accessURL": {"@id": f"{dataset['links']['self']}/{resource['name']}"},
        "dcat:downloadURL": {"@id": resource["url"]},
        "dcat:mediaType": {"@id": IANA + resource["media_type"].split(";")[0].strip(), "@type": "dct:MediaType"},
        "dcat:byteSize": typed(resource["bytes"], "xsd:nonNegativeInteger"),
        "dct:modified": typed(dataset["updated_at"], "xsd:dateTime"),
    }
    if code:
        node["dct:format"] = {"@id": FILE_TYPES + code, "@type": "dct:MediaTypeOrExtent"}
    if licence:
        node["dct:license"] = {"@id": licence, "@type": "dct:LicenseDocument"}
    if resource.get("sha256"):
        node["spdx:checksum"] = {"@type": "spdx:Checksum", "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"},
                                 "spdx:checksumValue": typed(resource["sha256"], "xsd:hexBinary")}
    return node


def wkt_box(bbox: Sequence[float]) -> str:
    """``[min_lon, min_lat, max_lon, max_lat]`` as a WKT polygon (longitude first, as WKT is)."""
    west, south, east, north = bbox
    return f"POLYGON(({west} {south},{east} {south},{east} {north},{west} {north},{west} {south}))"


def dataset_document(dataset: Mapping[str, Any], base_url: str, first_published: str) -> dict[str, Any]:
    return {"@context": CONTEXT, **dataset_node(dataset, base_url, first_published)}


def catalogue_document(datasets: Sequence[tuple[Mapping[str, Any], str]], base_url: str, total: int, page: int,
                       page_url: Callable[[int], str], modified: str | None) -> dict[str, Any]:
    """One page of the catalogue: ``dcat:Catalog`` with its datasets, and a hydra page as ckanext-dcat has."""
    catalogue: dict[str, Any] = {
        "@id": f"{base_url}/catalog.jsonld", "@type": "dcat:Catalog",
        "dct:title": texts(CATALOGUE_TITLE["ja"], CATALOGUE_TITLE["en"]),
        "dct:description": texts(CATALOGUE_DESCRIPTION["ja"], CATALOGUE_DESCRIPTION["en"]),
        "foaf:homepage": {"@id": f"{base_url}/", "@type": "foaf:Document"},
        "dct:publisher": agent(base_url, *CATALOGUE_PUBLISHER),
        "dcat:dataset": [dataset_node(d, base_url, first) for d, first in datasets],
    }
    if modified:
        catalogue["dct:modified"] = typed(modified, "xsd:dateTime")
    last = max(1, -(-total // PAGE_SIZE))
    paging = {"@id": page_url(page), "@type": "hydra:PagedCollection", "hydra:totalItems": total,
              "hydra:itemsPerPage": PAGE_SIZE, "hydra:firstPage": page_url(1), "hydra:lastPage": page_url(last)}
    if page > 1:
        paging["hydra:previousPage"] = page_url(page - 1)
    if page < last:
        paging["hydra:nextPage"] = page_url(page + 1)
    return {"@context": CONTEXT, "@graph": [catalogue, paging]}
