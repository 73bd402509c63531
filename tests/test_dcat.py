"""DCAT-AP 3.0.1 under the official SHACL shapes: the catalogue and every dataset, over HTTP.

pySHACL with the base and range shapes of the SEMIC release (``../shared/specs/dcat-ap/3.0.1/
html-shacl``: ``shapes.ttl`` and ``range.ttl``), offline as ``SOURCE.md`` says: the ``imports``
files are not loaded and there is no inference, so every class a range shape asks for must be
stated by our documents themselves, as a harvester without a reasoner would need.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyshacl
import pytest
import rdflib
from rdflib.compare import isomorphic

from tests.conftest import SHARED
from tests.helpers.api_server import run_api_server

pytestmark = pytest.mark.slow  # a built data directory

SHAPES = SHARED / "specs" / "dcat-ap" / "3.0.1" / "html-shacl"
PUBLIC = "https://data.example.jp/tdpf"
#: IRIs that are not ours: vocabularies, licences, media types.
VOCABULARIES = ("http://www.w3.org/", "http://purl.org/", "http://xmlns.com/", "http://spdx.org/",
                "http://www.opengis.net/", "http://publications.europa.eu/", "https://www.iana.org/",
                "https://creativecommons.org/")


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    graph = rdflib.Graph()
    for name in ("shapes.ttl", "range.ttl"):
        graph.parse(SHAPES / name, format="turtle")
    return graph


@pytest.fixture(scope="module")
def api(built_api: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=built_api, timeout=60) as client:
        yield client


def graph_of(response: httpx.Response) -> rdflib.Graph:
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("application/ld+json")
    return rdflib.Graph().parse(data=response.text, format="json-ld")


def violations(graph: rdflib.Graph, shapes: rdflib.Graph) -> str:
    conforms, _, text = pyshacl.validate(graph, shacl_graph=shapes, inference="none", do_owl_imports=False)
    return "" if conforms else text[:4000]


def test_the_catalogue_conforms(api: httpx.Client, shapes: rdflib.Graph) -> None:
    response = api.get("/catalog.jsonld")
    graph = graph_of(response)
    assert violations(graph, shapes) == ""
    ids = {d["id"] for d in api.get("/api/v1/datasets", params={"limit": 1000}).json()["results"]}
    listed = set(graph.objects(None, rdflib.URIRef("http://www.w3.org/ns/dcat#dataset")))
    assert {str(i).rsplit("/", 1)[1] for i in listed} == ids


def test_every_dataset_conforms(api: httpx.Client, shapes: rdflib.Graph) -> None:
    ids = [d["id"] for d in api.get("/api/v1/datasets", params={"limit": 1000}).json()["results"]]
    for dataset_id in ids:
        assert violations(graph_of(api.get(f"/api/v1/datasets/{dataset_id}.jsonld")), shapes) == "", dataset_id


def test_the_shapes_catch_what_they_should(api: httpx.Client, shapes: rdflib.Graph) -> None:
    document = api.get("/api/v1/datasets/public-toilets.jsonld").json()
    del document["dct:description"]  # mandatory
    document["dct:publisher"]["@type"] = "dct:Agent"  # the range shape wants foaf:Agent
    broken = rdflib.Graph().parse(data=json.dumps(document), format="json-ld")
    report = violations(broken, shapes)
    assert "dct:description" in report and "foaf:Agent" in report


def test_what_a_dataset_says(api: httpx.Client) -> None:
    document = api.get("/api/v1/datasets/public-toilets.jsonld").json()
    assert {t["@language"] for t in document["dct:title"]} == {"ja", "en"}
    assert document["dct:publisher"]["@type"] == "foaf:Agent"
    files = {d["dcat:downloadURL"]["@id"].rsplit("/", 1)[1]: d for d in document["dcat:distribution"]}
    parquet = files["data.parquet"]
    assert parquet["dct:format"]["@id"].endswith("/file-type/PARQUET")
    assert parquet["spdx:checksum"]["spdx:checksumValue"]["@type"] == "xsd:hexBinary"
    assert int(parquet["dcat:byteSize"]["@value"]) > 0
    assert document["dct:spatial"]["dcat:bbox"]["@value"].startswith("POLYGON((")


def test_turtle_is_the_same_graph(api: httpx.Client) -> None:
    for path in ("/api/v1/datasets/public-toilets", "/catalog"):
        jsonld = graph_of(api.get(f"{path}.jsonld"))
        turtle = api.get(f"{path}.ttl")
        assert turtle.headers["content-type"].startswith("text/turtle")
        text = turtle.text.replace("/catalog.ttl?", "/catalog.jsonld?")  # its pages link to Turtle pages
        assert isomorphic(jsonld, rdflib.Graph().parse(data=text, format="turtle")), path


def test_search_and_pages_as_ckanext_dcat(api: httpx.Client) -> None:
    document = api.get("/catalog.jsonld", params={"q": "トイレ"}).json()
    catalogue, paging = document["@graph"]
    names = [d["dct:identifier"] for d in catalogue["dcat:dataset"]]
    assert "public-toilets" in names and paging["hydra:totalItems"] == len(names)
    assert api.get("/catalog.jsonld", params={"page": 0}).status_code == 422


def test_links_come_from_the_public_base_url_not_the_host(built_home: Path) -> None:
    with run_api_server(built_home, env={"TDPF_BASE_URL": PUBLIC}) as url:
        response = httpx.get(f"{url}/catalog.jsonld", headers={"Host": "evil.example"}, timeout=60)
    graph = graph_of(response)
    ours = {str(term) for triple in graph for term in triple if isinstance(term, rdflib.URIRef)
            and not str(term).startswith(VOCABULARIES)}
    assert "evil.example" not in response.text and ours and all(iri.startswith(PUBLIC) for iri in ours)
    pages = [str(o) for o in graph.objects(None, rdflib.URIRef("http://www.w3.org/ns/hydra/core#firstPage"))]
    assert pages == [f"{PUBLIC}/catalog.jsonld?page=1"]
