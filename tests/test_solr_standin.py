"""The Solr stand-in answers over real HTTP the way pysolr (and so CKAN 2.12) calls Solr.

Requests are shaped like pysolr's: ``select/?…&wt=json`` (GET, or a form POST for long
queries), ``update/?commit=true`` with XML or JSON bodies, ``admin/ping/?wt=json``, and CKAN's
own ``/schema?wt=schema.xml`` check.  Everything runs on localhost, in-process, except the
restart test, which runs the real command line twice.
"""

from __future__ import annotations

import json
import subprocess
import sys
import xml.dom.minidom
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from catalog_api.ckan_local.stack import Stack, ensure_system_packages
from catalog_api.ckan_local.solr_standin import (
    make_server,
    min_should_match,
    resolve_date_math,
    serve_in_thread,
)

REPO = Path(__file__).resolve().parent.parent
CORE = "/solr/ckan"
pytestmark = pytest.mark.slow  # its fixture installs CKAN (for CKAN's own schema.xml) when the cache has none


@pytest.fixture(scope="module")
def schema_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """CKAN 2.12's own schema.xml, from the CKAN install the CKAN tests use (installed once, cached)."""
    stack = Stack(tmp_path_factory.mktemp("ckan-instance"), log=lambda line: None)
    ensure_system_packages()
    stack.ensure_venv()
    return stack.solr_schema()


@pytest.fixture()
def solr(schema_file: Path) -> Iterator[httpx.Client]:
    """A fresh stand-in on a free port, and a client rooted at a core prefix like CKAN's solr_url."""
    server = make_server("127.0.0.1", 0, schema_path=schema_file)
    thread = serve_in_thread(server)
    port = server.server_address[1]
    with httpx.Client(base_url=f"http://127.0.0.1:{port}{CORE}", timeout=5) as client:
        yield client
    server.shutdown()
    server.server_close()
    thread.join(timeout=2)


def _xml_add(*docs: dict[str, Any]) -> str:
    """An ``<add>`` body as pysolr builds it: one ``<field>`` per value, lists repeated."""
    out = ["<add>"]
    for doc in docs:
        out.append("<doc>")
        for name, value in doc.items():
            for v in value if isinstance(value, list) else [value]:
                text = ("true" if v else "false") if isinstance(v, bool) else str(v)
                text = text.replace("&", "&amp;").replace("<", "&lt;")
                out.append(f'<field name="{name}">{text}</field>')
        out.append("</doc>")
    out.append("</add>")
    return "".join(out)


def update(client: httpx.Client, body: str, xml_body: bool = True) -> None:
    ctype = "text/xml; charset=utf-8" if xml_body else "application/json"
    r = client.post("/update/", params={"commit": "true"}, content=body.encode(), headers={"Content-type": ctype})
    assert r.status_code == 200, r.text
    assert r.json()["responseHeader"]["status"] == 0


def select(client: httpx.Client, **params: Any) -> dict[str, Any]:
    params.setdefault("wt", "json")
    r = client.get("/select/", params={k.replace("_", "."): v for k, v in params.items()})
    assert r.status_code == 200, r.text
    return r.json()


def ids(result: dict[str, Any]) -> list[str]:
    return [d["id"] for d in result["response"]["docs"]]


def _pkg(i: str, **fields: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": i,
        "index_id": f"idx-{i}",
        "site_id": "default",
        "entity_type": "package",
        "dataset_type": "dataset",
        "state": "active",
        "capacity": "public",
        "permission_labels": ["public"],
        "name": f"ds-{i}",
        "title": f"Dataset {i}",
        "title_string": f"Dataset {i}",
    }
    doc.update(fields)
    return doc


DOCS = [
    _pkg(
        "a",
        name="water-quality",
        title="Water Quality of Rivers",
        title_string="Water Quality of Rivers",
        notes="Monthly samples from Tokyo rivers.",
        tags=["environment"],
        organization="tokyo-env",
        res_format=["CSV", "JSON"],
        metadata_modified="2024-03-01T10:00:00Z",
        views_total=7,
        extras_theme="Nature",
    ),
    _pkg(
        "b",
        name="air-pollution",
        title="Air Pollution Measurements",
        title_string="Air Pollution Measurements",
        tags=["environment", "air"],
        organization="tokyo-env",
        res_format=["CSV"],
        metadata_modified="2025-01-15T00:00:00Z",
        views_total=30,
    ),
    _pkg(
        "c",
        name="bus-stops",
        title="Bus Stops",
        title_string="Bus Stops",
        notes="Stops and routes; water buses excluded.",
        tags=["transport"],
        organization="tokyo-transport",
        res_format=["GeoJSON"],
        metadata_modified="2023-07-01T00:00:00Z",
        views_total=2,
    ),
    _pkg(
        "d",
        name="draft-budget",
        title="Budget (draft)",
        state="draft",
        capacity="private",
        permission_labels=["member-org1"],
        organization="finance",
        metadata_modified="2025-02-01T00:00:00Z",
    ),
    _pkg("e", name="other-site", title="Other site's water data", site_id="elsewhere"),
]


@pytest.fixture()
def loaded(solr: httpx.Client) -> httpx.Client:
    update(solr, _xml_add(*DOCS[:3]))
    update(solr, json.dumps(DOCS[3:]), xml_body=False)
    return solr


# --------------------------------------------------------------------------- endpoints


def test_ping_and_unknown_paths(solr: httpx.Client) -> None:
    r = solr.get("/admin/ping/", params={"wt": "json"})
    assert r.status_code == 200 and r.json()["status"] == "OK"
    assert solr.get("/no/such/handler").status_code == 404
    # the core prefix is optional: the handler is chosen by the path's tail
    root = str(solr.base_url).replace(CORE, "")
    assert httpx.get(f"{root}/select?q=*:*&wt=json", timeout=5).json()["response"]["numFound"] == 0


def test_schema_endpoint_serves_ckans_schema(solr: httpx.Client, schema_file: Path) -> None:
    for path, params in (("/schema", {"wt": "schema.xml"}), ("/admin/file/", {"file": "schema.xml"})):
        r = solr.get(path, params=params)
        assert r.status_code == 200
        assert r.text == schema_file.read_text(encoding="utf-8")
        # what CKAN's check_solr_schema_version does with it
        name = xml.dom.minidom.parseString(r.content).documentElement.getAttribute("name")
        assert name.startswith("ckan-") and name.split("-", 1)[1] == "2.12"


def test_xml_add_types_values_from_the_schema(loaded: httpx.Client) -> None:
    doc = select(loaded, q="id:a", fl="*")["response"]["docs"][0]
    assert doc["tags"] == ["environment"]  # multiValued: a list even with one value
    assert doc["views_total"] == 7  # int field: a number, not "7"
    assert doc["organization"] == "tokyo-env"  # single-valued: a scalar
    assert doc["res_format"] == ["CSV", "JSON"]


def test_json_update_forms(solr: httpx.Client) -> None:
    update(solr, json.dumps([_pkg("j1")]), xml_body=False)
    # Solr's command object may repeat keys
    body = '{"add": {"doc": %s}, "add": {"doc": %s}, "commit": {}}' % (json.dumps(_pkg("j2")), json.dumps(_pkg("j3")))
    update(solr, body, xml_body=False)
    r = solr.post("/update/json/docs", content=json.dumps(_pkg("j4")), headers={"Content-type": "application/json"})
    assert r.status_code == 200
    assert sorted(ids(select(solr, q="*:*", fl="id", rows=10))) == ["j1", "j2", "j3", "j4"]
    # re-adding an id replaces the document, and atomic updates change one field
    update(solr, json.dumps([_pkg("j1", title="Replaced")]), xml_body=False)
    update(solr, json.dumps([{"id": "j2", "title": {"set": "Patched"}, "tags": {"add": "new"}}]), xml_body=False)
    docs = {d["id"]: d for d in select(solr, q="*:*", fl="id title tags")["response"]["docs"]}
    assert len(docs) == 4 and docs["j1"]["title"] == "Replaced"
    assert docs["j2"]["title"] == "Patched" and docs["j2"]["tags"] == ["new"]
    bad = solr.post("/update/", content=b"{not json", headers={"Content-type": "application/json"})
    assert bad.status_code == 400


# --------------------------------------------------------------------------- select


def test_ckan_package_search_query(loaded: httpx.Client) -> None:
    """The parameters CKAN's PackageSearchQuery.run sends for an anonymous faceted search."""
    result = select(
        loaded,
        q="*:*",
        fq=[
            '+dataset_type:dataset {!tag=organization}organization:"tokyo-env" OR organization:"tokyo-transport"',
            '+site_id:"default"',
            "+state:active",
            '+permission_labels:("public")',
        ],
        fl="id validated_data_dict",
        rows=21,
        start=0,
        sort="score desc, metadata_modified desc",
        facet="true",
        facet_field=["{!ex=organization}organization", "tags", "res_format"],
        facet_limit=50,
        facet_mincount=1,
        q_op="AND",
    )
    assert result["responseHeader"]["status"] == 0
    assert result["response"]["numFound"] == 3 and result["response"]["start"] == 0
    assert ids(result) == ["b", "a", "c"]  # metadata_modified desc
    facets = result["facet_counts"]
    assert set(facets) == {"facet_queries", "facet_fields", "facet_ranges", "facet_intervals", "facet_heatmaps"}
    assert facets["facet_fields"]["organization"] == ["tokyo-env", 2, "tokyo-transport", 1]
    assert facets["facet_fields"]["tags"] == ["environment", 2, "air", 1, "transport", 1]
    assert facets["facet_fields"]["res_format"] == ["CSV", 2, "GeoJSON", 1, "JSON", 1]
    # a sysadmin-like search with drafts included
    both = select(loaded, q="*:*", fq=['+site_id:"default"', "+state:(active OR draft)"], fl="id", rows=10)
    assert sorted(ids(both)) == ["a", "b", "c", "d"]


def test_facet_limit_and_mincount(loaded: httpx.Client) -> None:
    facets = select(loaded, q="tags:air", facet="true", facet_field="tags", facet_limit=-1, facet_mincount=0)
    assert facets["facet_counts"]["facet_fields"]["tags"] == ["air", 1, "environment", 1, "transport", 0]
    limited = select(loaded, q="*:*", facet="true", facet_field="res_format", facet_limit=1, facet_mincount=1)
    assert limited["facet_counts"]["facet_fields"]["res_format"] == ["CSV", 2]
    assert "facet_counts" not in select(loaded, q="*:*")


def test_bare_words_dismax_like_ckan(loaded: httpx.Client) -> None:
    """CKAN sends free text with defType=dismax, qf, mm and q.op=AND."""
    common = {
        "defType": "dismax",
        "qf": "name^4 title^4 tags^2 groups^2 text",
        "mm": "2<-1 5<80%",
        "q.op": "AND",
        "fq": '+site_id:"default"',
        "fl": "id",
        "wt": "json",
    }

    def search(q: str) -> list[str]:
        r = loaded.get("/select/", params={**common, "q": q})
        assert r.status_code == 200, r.text
        return sorted(ids(r.json()))

    assert search("water") == ["a", "c"]  # title of a, notes of c (copied into text)
    assert search("WATER rivers") == ["a"]  # two words: both must match; case-insensitive
    assert search("water rivers nothere") == ["a"]  # three words: mm allows one miss
    assert search("environment") == ["a", "b"]  # tags
    assert search("nature") == ["a"]  # extras_* copied into text
    assert search('"bus stops"') == ["c"]
    assert search("water -rivers") == ["c"]
    assert search("pollute") == []  # no stemming


def test_field_queries_and_boolean_grammar(loaded: httpx.Client) -> None:
    def q(query: str, **extra: Any) -> list[str]:
        return sorted(ids(select(loaded, q=query, fl="id", rows=50, fq='+site_id:"default"', **extra)))

    assert q("*:*") == ["a", "b", "c", "d"]
    assert q("tags:environment") == ["a", "b"]
    assert q('name:"water-quality"') == ["a"]
    assert q("name:water") == []  # string field: exact value only
    assert q("title:water") == ["a"]  # text field: word match, case-insensitive
    assert q("tags:environment AND tags:air") == ["b"]
    assert q("tags:air OR tags:transport") == ["b", "c"]
    assert q("tags:environment -tags:air") == ["a"]
    assert q("tags:environment NOT tags:air") == ["a"]
    assert q("+organization:(tokyo-env OR finance) -state:draft") == ["a", "b"]
    assert q("(tags:air OR tags:transport) AND res_format:CSV") == ["b"]
    assert q("tags:environment tags:air", q_op="AND") == ["b"]  # q.op=AND joins bare clauses
    assert q("tags:environment tags:air") == ["a", "b"]  # default q.op=OR
    assert q("name:bus*") == ["c"]
    assert q("tags:*") == ["a", "b", "c"]
    assert q("-tags:*") == ["d"]
    assert q("res_format:(CSV JSON)", q_op="AND") == ["a"]
    assert q(r"name:water\-quality") == ["a"]
    assert q("views_total:7") == ["a"]
    r = loaded.get("/select/", params={"q": "title:(unclosed", "wt": "json"})
    assert r.status_code == 400 and "SyntaxError" in r.json()["error"]["msg"]


def test_ranges_and_date_math(loaded: httpx.Client) -> None:
    def fq(*filters: str) -> list[str]:
        return sorted(ids(select(loaded, q="*:*", fq=['+site_id:"default"', *filters], fl="id", rows=50)))

    assert fq("metadata_modified:[2024-01-01T00:00:00Z TO *]") == ["a", "b", "d"]
    assert fq("metadata_modified:[2024-01-01T00:00:00Z TO 2025-01-15T00:00:00Z]") == ["a", "b"]
    assert fq("metadata_modified:{2024-01-01T00:00:00Z TO 2025-01-15T00:00:00Z}") == ["a"]
    assert fq("metadata_modified:[* TO NOW]") == ["a", "b", "c", "d"]
    assert fq("metadata_modified:[NOW-1DAY TO NOW]") == []
    assert fq("+metadata_modified:[* TO NOW-1YEAR/DAY]") == ["a", "b", "c", "d"]
    assert fq("views_total:[5 TO 30]") == ["a", "b"]
    assert fq("views_total:[10 TO *]") == ["b"]
    assert fq("{!tag=period}metadata_modified:[2025-01-01T00:00:00Z TO NOW]") == ["b", "d"]
    assert resolve_date_math("2024-01-31T00:00:00Z+1MONTH") == "2024-02-29T00:00:00"
    assert min_should_match("2<-1 5<80%", 2) == 2
    assert min_should_match("2<-1 5<80%", 4) == 3
    assert min_should_match("2<-1 5<80%", 10) == 8


def test_fl_sort_and_paging(loaded: httpx.Client) -> None:
    base = {"q": "*:*", "fq": '+site_id:"default"'}
    names = select(loaded, **base, fl="name", sort="title_string asc", rows=2, start=1)
    assert names["response"]["numFound"] == 4 and names["response"]["start"] == 1
    assert names["response"]["docs"] == [{"name": "bus-stops"}, {"name": "draft-budget"}]  # "Dataset d"
    scored = select(loaded, **base, fl="id,score", sort="views_total desc", rows=2)
    assert scored["response"]["docs"] == [{"id": "b", "score": 1.0}, {"id": "a", "score": 1.0}]
    # missing values sort last whichever the direction
    asc = select(loaded, **base, fl="id", sort="views_total asc", rows=10)
    assert ids(asc) == ["c", "a", "b", "d"]
    everything = select(loaded, q="id:a", fl="*")["response"]["docs"][0]
    assert everything["name"] == "water-quality" and "text" not in everything
    assert set(select(loaded, q="id:a", fl="id extras_*")["response"]["docs"][0]) == {"id", "extras_theme"}
    assert select(loaded, **base, rows=0)["response"]["docs"] == []
    bad = loaded.get("/select/", params={"q": "*:*", "sort": "title_string sideways", "wt": "json"})
    assert bad.status_code == 400 and "Can't determine a Sort Order" in bad.json()["error"]["msg"]


def test_long_query_posted_as_form(loaded: httpx.Client) -> None:
    """pysolr POSTs the query string as a form when it is too long for a URL."""
    labels = " OR ".join(f'"label-{i}"' for i in range(300)) + ' OR "public"'
    body = httpx.QueryParams({"q": "*:*", "fq": f"+permission_labels:({labels})", "fl": "id", "wt": "json"})
    r = loaded.post("/select/", content=str(body), headers={"Content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 200
    assert sorted(ids(r.json())) == ["a", "b", "c", "e"]
    assert r.json()["responseHeader"]["params"]["fl"] == "id"


# --------------------------------------------------------------------------- deletes


def test_delete_by_id_and_by_query(loaded: httpx.Client) -> None:
    update(loaded, "<delete><id>a</id></delete>")
    update(loaded, json.dumps({"delete": {"id": "idx-b"}}), xml_body=False)  # CKAN's index_id works too
    # CKAN's delete_package query
    update(loaded, '<delete><query>+entity_type:package AND +(id:"c" OR name:"c") AND +site_id:"default"</query></delete>')
    assert sorted(ids(select(loaded, q="*:*", fl="id"))) == ["d", "e"]
    # CKAN's clear_index: one site only
    update(loaded, json.dumps({"delete": {"query": '+site_id:"default"'}}), xml_body=False)
    update(loaded, "<commit />")
    assert ids(select(loaded, q="*:*", fl="id")) == ["e"]


# --------------------------------------------------------------------------- command line


def _start(schema_file: Path, store: Path) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "catalog_api.ckan_local.solr_standin", "--host", "127.0.0.1", "--port", "0",
         "--schema", str(schema_file), "--store", str(store)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert "listening on http://127.0.0.1:" in line, line
    port = line.split("http://127.0.0.1:", 1)[1].split("/", 1)[0]
    return proc, f"http://127.0.0.1:{port}{CORE}"


def test_store_survives_restart(schema_file: Path, tmp_path: Path) -> None:
    store = tmp_path / "solr-store.json"
    proc, url = _start(schema_file, store)
    try:
        with httpx.Client(base_url=url, timeout=5) as client:
            update(client, _xml_add(*DOCS[:2]))
            update(client, "<delete><id>b</id></delete>")
    finally:
        proc.terminate()
        proc.wait(timeout=5)
    assert json.loads(store.read_text())["docs"][0]["id"] == "a"
    proc, url = _start(schema_file, store)
    try:
        with httpx.Client(base_url=url, timeout=5) as client:
            result = select(client, q="tags:environment", fl="id tags")
            assert result["response"]["docs"] == [{"id": "a", "tags": ["environment"]}]
    finally:
        proc.terminate()
        proc.wait(timeout=5)
