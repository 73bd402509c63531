"""The catalogue as CKAN describes a catalogue: package, resource and organization dicts, and search.

Why: government data users already have tools written against CKAN portals (the ``ckanapi``
client, harvesters, scripts for Japan's portals). The dicts here have CKAN's field names, types
and conventions (see ``docs/ckan.md``): ids are UUIDs (stable: derived from our ids), names are
slugs, times are naive UTC ISO 8601 without ``Z``, extras are strings. Everything is built from
the API's own dataset objects (``schemas.DatasetOut``), so the two views never disagree.

This module has no I/O: the router (``routers/ckan.py``) reads releases and answers requests.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from catalog_api.search import score, terms

#: Namespace of the UUIDs derived from our ids (fixed: a dataset's CKAN id never changes).
NAMESPACE = uuid.UUID("6f1d3c1e-9a1b-5f0e-8c7d-2b4a6e8f0a13")
#: Licences CKAN's register calls open (``isopen``), by our licence ids' prefixes.
OPEN_LICENCES = ("CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0", "ODC-BY", "ODbL", "PDDL", "CC-BY-2.1-JP", "CC-BY-3.0")
#: package_search's parameters (CKAN's ``default_package_search_schema``); any other is refused.
SEARCH_PARAMETERS = frozenset({
    "q", "fq", "fq_list", "rows", "start", "sort", "facet", "facet.field", "facet.limit", "facet.mincount",
    "include_private", "include_drafts", "include_deleted", "use_default_schema", "fl", "qf", "defType", "mm",
    "tie", "bf", "boost", "wt", "df", "q.op"})
DEFAULT_ROWS, MAX_ROWS = 10, 1000
DEFAULT_SORT = "score desc, metadata_modified desc"
#: What ``fq`` and ``facet.field`` may name, and each field's values in a package dict.
FIELDS: dict[str, Callable[[Mapping[str, Any]], list[str]]] = {
    "organization": lambda p: [p["organization"]["name"]] if p.get("organization") else [],
    "owner_org": lambda p: [p["owner_org"]] if p.get("owner_org") else [],
    "tags": lambda p: [t["name"] for t in p["tags"]],
    "res_format": lambda p: sorted({r["format"] for r in p["resources"] if r["format"]}),
    "license_id": lambda p: [p["license_id"]] if p.get("license_id") else [],
    "name": lambda p: [p["name"]],
    "id": lambda p: [p["id"]],
    "type": lambda p: [p["type"]],
    "dataset_type": lambda p: [p["type"]],
    "state": lambda p: [p["state"]],
    "capacity": lambda p: ["public"],
    "site_id": lambda p: ["default"],
    "groups": lambda p: [g["name"] for g in p["groups"]],
}
_SORTS: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    "metadata_modified": lambda p: p["metadata_modified"],
    "metadata_created": lambda p: p["metadata_created"],
    "name": lambda p: p["name"],
    "title_string": lambda p: p["title"],
}


class ActionError(Exception):
    """An action's refusal, as CKAN reports it: the HTTP status and the ``error`` object."""

    def __init__(self, status: int, error: dict[str, Any]) -> None:
        super().__init__(error.get("message") or str(error))
        self.status = status
        self.error = error


def not_found(what: str = "") -> ActionError:
    return ActionError(404, {"__type": "Not Found Error", "message": f"Not found: {what}" if what else "Not found"})


def invalid(**fields: str) -> ActionError:
    """A Validation Error: each field with its messages."""
    return ActionError(409, {"__type": "Validation Error", **{k: [v] for k, v in fields.items()}})


def bad_search(message: str) -> ActionError:
    return ActionError(400, {"__type": "Search Query Error", "message": f"Search Query is invalid: {message!r}"})


def stable_id(*parts: str) -> str:
    """A UUID that names the same thing forever (CKAN's ids are UUIDs; ours are names)."""
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def ckan_time(iso: str | None) -> str | None:
    """Our ``2026-12-02T15:06:04Z`` as CKAN writes times: naive UTC, no ``Z``."""
    return iso.removesuffix("Z") if iso else None


def organization_name(publisher: str, publisher_en: str | None) -> str:
    """A CKAN organization name (lowercase ASCII slug) for a publisher: from its English name, else a digest."""
    text = unicodedata.normalize("NFKC", publisher_en or "").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:90].rstrip("-")
    return slug or "publisher-" + hashlib.sha256(publisher.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Organization:
    """A publisher, as CKAN's organization."""

    name: str
    title: str
    title_en: str | None
    created: str | None

    @property
    def id(self) -> str:
        return stable_id("organization", self.name)

    def row(self) -> dict[str, Any]:
        """As inside a package dict (CKAN's raw row: no display_name)."""
        return {"id": self.id, "name": self.name, "title": self.title, "type": "organization",
                "description": self.title_en or "", "image_url": "", "created": self.created,
                "is_organization": True, "approval_status": "approved", "state": "active"}

    def shown(self, package_count: int) -> dict[str, Any]:
        """As ``organization_list(all_fields)`` and ``organization_show`` give it."""
        return {**self.row(), "display_name": self.title, "image_display_url": "", "num_followers": 0,
                "package_count": package_count}


def organization_of(dataset: Mapping[str, Any]) -> Organization | None:
    publisher = dataset.get("publisher")
    if not publisher:
        return None
    return Organization(organization_name(publisher, dataset.get("publisher_en")), publisher,
                        dataset.get("publisher_en"), ckan_time(dataset.get("created_at")))


def package(dataset: Mapping[str, Any], first_published: str, queryable: bool) -> dict[str, Any]:
    """A dataset object of the API (``DatasetOut``, by alias) as CKAN's ``package_show`` result."""
    pid = stable_id("dataset", dataset["id"])
    organization = organization_of(dataset)
    licence = dataset.get("license") or {}
    modified = ckan_time(dataset["updated_at"])
    keywords = [str(k) for k in dataset.get("keywords") or []]
    resources = [_resource(dataset["id"], pid, r, position, modified, queryable)
                 for position, r in enumerate(dataset.get("resources") or [])]
    out: dict[str, Any] = {
        "author": dataset.get("publisher"), "author_email": None, "creator_user_id": None, "id": pid,
        "isopen": str(licence.get("id", "")).startswith(OPEN_LICENCES),
        "license_id": licence.get("id"), "license_title": licence.get("title") or licence.get("id"),
        "maintainer": None, "maintainer_email": None,
        "metadata_created": ckan_time(first_published), "metadata_modified": modified,
        "name": dataset["id"], "notes": dataset.get("description"), "num_resources": len(resources),
        "num_tags": len(keywords), "organization": organization.row() if organization else None,
        "owner_org": organization.id if organization else None, "private": False, "state": "active",
        "title": dataset.get("title") or dataset["id"], "type": "dataset",
        "url": dataset["links"]["html"], "version": str(dataset["version"]),
        "extras": _extras(dataset), "resources": resources,
        "tags": [{"id": stable_id("tag", k), "name": k, "display_name": k, "state": "active", "vocabulary_id": None}
                 for k in sorted(keywords)],
        "groups": [], "relationships_as_object": [], "relationships_as_subject": [],
    }
    if licence.get("url"):
        out["license_url"] = licence["url"]
    return out


def _extras(dataset: Mapping[str, Any]) -> list[dict[str, str]]:
    """What CKAN has no field for, as string extras (sorted by key, as CKAN sorts them)."""
    standard = dataset.get("standard") or {}
    values = {
        "title_en": dataset.get("title_en"), "description_en": dataset.get("description_en"),
        "publisher_en": dataset.get("publisher_en"), "content_hash": dataset.get("content_hash"),
        "row_count": dataset.get("row_count"), "quality_status": (dataset.get("quality") or {}).get("status"),
        "standard_sheet": standard.get("sheet") if isinstance(standard, Mapping) else None,
        "api_url": dataset["links"]["self"],
    }
    return [{"key": k, "value": str(v)} for k, v in sorted(values.items()) if v is not None]


def _resource(dataset_id: str, pid: str, resource: Mapping[str, Any], position: int, modified: str | None,
              queryable: bool) -> dict[str, Any]:
    return {
        "id": stable_id("resource", dataset_id, resource["name"]), "package_id": pid, "url": resource["url"],
        "name": resource["name"], "description": "", "format": resource["format"],
        "mimetype": resource["media_type"].split(";")[0], "mimetype_inner": None, "resource_type": None,
        "size": resource["bytes"], "hash": resource.get("sha256") or "", "position": position,
        "created": modified, "last_modified": modified, "metadata_modified": modified, "cache_url": None,
        "cache_last_updated": None, "url_type": None, "state": "active",
        # the release's rows answer datastore_search for its table files
        "datastore_active": queryable and resource["format"] in ("CSV", "Parquet"),
    }


# ----------------------------------------------------------------------------- package_search


@dataclass(frozen=True)
class Clause:
    """One clause of ``fq``: ``field:value`` (or ``field:(a OR b)``), ``-`` to exclude."""

    field: str
    values: tuple[str, ...]
    negated: bool = False

    def matches(self, package_dict: Mapping[str, Any]) -> bool:
        have = set(FIELDS[self.field](package_dict))
        found = bool(have & set(self.values)) or ("*" in self.values and bool(have))
        return found != self.negated


_CLAUSE = re.compile(r'\s*([+-]?)([A-Za-z_.]+):(?:"((?:[^"\\]|\\.)*)"|\(([^)]*)\)|([^\s()"]+))\s*')


def parse_fq(fq: str) -> list[Clause]:
    """The clauses of a Solr filter query, as CKAN sends them (AND between clauses)."""
    clauses, at = [], 0
    while at < len(fq.strip()):
        match = _CLAUSE.match(fq, at)
        if not match:
            raise bad_search(f"fq: expected field:value at {fq[at:at + 40]!r}")
        sign, name, quoted, group, bare = match.groups()
        if name not in FIELDS:
            raise bad_search(f"fq: cannot filter on {name!r}; fields: {', '.join(FIELDS)}")
        if group is not None:
            values = tuple(v.strip().strip('"') for v in re.split(r"\s+OR\s+", group.strip()) if v.strip())
        else:
            values = ((quoted.replace('\\"', '"') if quoted is not None else bare),)
        clauses.append(Clause(name, values, sign == "-"))
        at = match.end()
    return clauses


def fielded(q: str) -> tuple[str, list[Clause]]:
    """A ``q`` made only of ``field:value`` clauses (``q=tags:防災``, as CKAN users write) as clauses, else text."""
    if ":" not in q or q.strip() == "*:*":
        return q, []
    try:
        return "", parse_fq(q)
    except ActionError:
        return q, []


def parse_sort(sort: str) -> list[tuple[str, bool]]:
    """``"score desc, metadata_modified desc"`` as (field, descending) pairs; a Search Query Error otherwise."""
    keys = []
    for part in (p.strip() for p in sort.split(",") if p.strip()):
        name, _, direction = part.partition(" ")
        direction = direction.strip().lower() or "asc"
        if (name != "score" and name not in _SORTS) or direction not in ("asc", "desc"):
            raise bad_search('Invalid "sort" parameter')
        keys.append((name, direction == "desc"))
    return keys


def search(packages: Sequence[Mapping[str, Any]], datasets: Mapping[str, Mapping[str, Any]],
           q: str, clauses: Sequence[Clause], sort: str) -> list[Mapping[str, Any]]:
    """The packages matching ``q`` (our Japanese-aware search) and every clause, in ``sort`` order."""
    query = terms("" if q.strip() in ("", "*:*") else q)
    scores = {p["name"]: score(datasets[p["name"]], query) if not query.empty else 1 for p in packages}
    found = [p for p in packages if scores[p["name"]] and all(c.matches(p) for c in clauses)]
    for name, descending in reversed(parse_sort(sort)):  # stable sorts, last key first
        key = (lambda p: scores[p["name"]]) if name == "score" else _SORTS[name]
        found.sort(key=key, reverse=descending)
    return found


def facets(found: Sequence[Mapping[str, Any]], fields: Sequence[str], limit: int, mincount: int,
           titles: Mapping[str, str]) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, Any]]]:
    """CKAN's ``facets`` and ``search_facets`` for the fields asked (items by display name, descending, as CKAN)."""
    raw: dict[str, dict[str, int]] = {}
    shown: dict[str, dict[str, Any]] = {}
    for name in fields:
        if name not in FIELDS:
            raise bad_search(f"facet.field: cannot count {name!r}; fields: {', '.join(FIELDS)}")
        counts = Counter(v for p in found for v in FIELDS[name](p))
        kept = [(v, n) for v, n in counts.most_common() if n >= mincount]
        kept = kept if limit < 0 else kept[:limit]
        raw[name] = dict(kept)
        items = [{"name": v, "display_name": titles.get(v, v) if name == "organization" else v, "count": n}
                 for v, n in kept]
        shown[name] = {"title": name, "items": sorted(items, key=lambda i: i["display_name"], reverse=True)}
    return raw, shown
