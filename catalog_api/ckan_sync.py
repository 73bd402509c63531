"""Mirroring the catalogue into a CKAN portal: what each package should be, and the plan to get there.

The sync (issue 15) writes through ``ckanapi`` to a real CKAN; this module is its pure part, with
no I/O, so the rules that keep an operator's portal safe are tested on their own:
- a package is ours only if its ``managed_by`` extra names this platform; any other package of
  the same name is a *conflict*, reported and never written;
- a package is *unchanged* when the digest of everything we would write (``tdpf_digest``, kept in
  its extras) matches, so a second sync makes no write call at all;
- only our packages whose dataset is gone are *retired*.

Licences are mapped to the target portal's own licence ids (its ``license_list``), by the
licence's URL or id, since portals differ (CKAN's defaults say ``cc-by``, others ``CC-BY-4.0``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from catalog_api.ckan import organization_name

DIGEST = "tdpf_digest"
MANAGED_BY = "managed_by"
Action = Literal["create", "update", "unchanged", "retire", "conflict"]
#: Our resource formats as CKAN portals name them.
FORMATS = {"CSV": "CSV", "Parquet": "Parquet", "GeoJSON": "GeoJSON", "JSON": "JSON"}
#: Release files that are not data (the package describes them otherwise).
NOT_RESOURCES = frozenset({"metadata.json", "quality.html"})


@dataclass(frozen=True)
class Step:
    """What the sync does to one package, and why."""

    action: Action
    name: str
    reason: str


def licence_id(licence: Mapping[str, Any] | None, portal_licences: Sequence[Mapping[str, Any]]) -> str:
    """The portal's id for our licence: the same URL, else the same id ignoring case, else ``other-open``."""
    if not licence:
        return "notspecified"
    url = _bare_url(str(licence.get("url") or ""))
    for candidate in portal_licences:
        if url and _bare_url(str(candidate.get("url") or "")) == url:
            return str(candidate["id"])
    ours = str(licence.get("id") or "").lower()
    for candidate in portal_licences:
        if str(candidate.get("id") or "").lower() == ours:
            return str(candidate["id"])
    if ours.startswith("cc-by-") and not ours.startswith("cc-by-sa") and any(c.get("id") == "cc-by"
                                                                               for c in portal_licences):
        return "cc-by"  # CKAN's default register names CC BY without its version
    return "other-open"


def _bare_url(url: str) -> str:
    """A licence URL compared as CKAN registers write them: no scheme, no language page, no trailing slash."""
    url = url.split("://", 1)[-1].rstrip("/")
    for suffix in ("/deed.ja", "/deed.en", "/legalcode"):
        url = url.removesuffix(suffix)
    return url.rstrip("/")


def organization(dataset: Mapping[str, Any], publisher_code: str | None = None) -> dict[str, Any] | None:
    """The publisher as a CKAN organization to create when missing."""
    if not dataset.get("publisher"):
        return None
    extras = [{"key": "publisher_en", "value": str(dataset.get("publisher_en") or "")}]
    if publisher_code:
        extras.append({"key": "全国地方公共団体コード", "value": publisher_code})
    return {"name": organization_name(dataset["publisher"], dataset.get("publisher_en")),
            "title": dataset["publisher"], "description": str(dataset.get("publisher_en") or ""), "extras": extras}


def package(dataset: Mapping[str, Any], public_url: str, platform_id: str,
            portal_licences: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The package to write for a dataset's current release (without ``owner_org``'s id: the sync adds it)."""
    base = public_url.rstrip("/")
    notes = "\n\n".join(t for t in (dataset.get("description"), dataset.get("title_en"),
                                    dataset.get("description_en")) if t)
    extras = {"content_hash": dataset["content_hash"], "version": str(dataset["version"]),
              "quality_status": str((dataset.get("quality") or {}).get("status") or ""),
              "source": json.dumps(dataset.get("source") or {}, ensure_ascii=False, sort_keys=True),
              MANAGED_BY: platform_id}
    bbox = ((dataset.get("coverage") or {}).get("spatial") or {}).get("bbox")
    if bbox:
        west, south, east, north = bbox
        extras["spatial"] = json.dumps({"type": "Polygon", "coordinates": [[[west, south], [east, south],
                                        [east, north], [west, north], [west, south]]]})
    resources = [{"name": r["name"], "url": f"{base}/api/v1/datasets/{dataset['id']}/{r['name']}",
                  "format": FORMATS[r["format"]], "mimetype": r["media_type"].split(";")[0], "size": r["bytes"],
                  "hash": f"sha256:{r['sha256']}" if r.get("sha256") else "", "last_modified": _naive(dataset["updated_at"])}
                 for r in dataset.get("resources") or [] if r["format"] in FORMATS and r["name"] not in NOT_RESOURCES]
    body: dict[str, Any] = {
        "name": dataset["id"], "title": dataset.get("title") or dataset["id"], "notes": notes,
        "license_id": licence_id(dataset.get("license"), portal_licences),
        "tags": [{"name": str(k)} for k in sorted({str(k) for k in dataset.get("keywords") or []})],
        "resources": resources,
    }
    body["extras"] = [{"key": k, "value": v} for k, v in sorted({**extras, DIGEST: digest(body, extras)}.items())]
    return body


def digest(body: Mapping[str, Any], extras: Mapping[str, str]) -> str:
    """A digest of everything the sync writes, so "unchanged" needs no field-by-field comparison."""
    document = json.dumps({"body": body, "extras": extras}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


def extra(package_dict: Mapping[str, Any], key: str) -> str | None:
    for item in package_dict.get("extras") or []:
        if item.get("key") == key:
            return str(item.get("value"))
    return None


def plan(desired: Mapping[str, Mapping[str, Any]], existing: Mapping[str, Mapping[str, Any]],
         platform_id: str) -> list[Step]:
    """Per package: create, update, leave, retire, or report a conflict — in name order, retirements last.

    ``existing`` holds the portal's packages of the desired names and every package it says is ours.
    """
    steps: list[Step] = []
    for name in sorted(desired):
        held = existing.get(name)
        if held is None:
            steps.append(Step("create", name, "not in the portal"))
        elif extra(held, MANAGED_BY) != platform_id:
            owner = extra(held, MANAGED_BY)
            steps.append(Step("conflict", name, f"a package of this name is managed by {owner!r}, not by us"
                              if owner else "a package of this name exists and is not ours: left untouched"))
        elif extra(held, DIGEST) == extra(desired[name], DIGEST):
            steps.append(Step("unchanged", name, f"version {extra(held, 'version')} already mirrored"))
        else:
            steps.append(Step("update", name, f"version {extra(held, 'version')} → {extra(desired[name], 'version')}"))
    for name in sorted(set(existing) - set(desired)):
        if extra(existing[name], MANAGED_BY) == platform_id:
            steps.append(Step("retire", name, "the dataset is no longer published here"))
    return steps


def counts(steps: Sequence[Step]) -> dict[str, int]:
    """The report's counts (``conflicts`` plural, as the CLI's JSON names them)."""
    names = {"create": "created", "update": "updated", "unchanged": "unchanged", "retire": "retired",
             "conflict": "conflicts"}
    found = {label: 0 for label in names.values()}
    for step in steps:
        found[names[step.action]] += 1
    return found


def _naive(iso: str) -> str:
    return iso.removesuffix("Z")
