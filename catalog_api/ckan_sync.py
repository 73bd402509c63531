"""Mirroring the catalogue into a CKAN portal: what each package should be, and the plan to get there.

The sync (issue 15) writes through ``ckanapi`` to a real CKAN; this module is its pure part, with
no I/O, so the rules that keep an operator's portal safe are tested on their own:
- a package is ours only if its ``managed_by`` extra names this platform; any other package of
  the same name is a *conflict*, reported and never written;
- a package is *unchanged* when every field we write holds what we would write (title, notes,
  licence, organization, tags, extras — ``content_hash`` and ``version`` among them — and each
  resource's URL, format, size, hash …), so a second sync makes no write call at all, and a hand
  edit in the portal is put back by the next one;
- only our packages whose dataset is gone are *retired*, and a package of ours deleted in the
  portal is restored.

Licences are mapped to the target portal's own licence ids (its ``license_list``), by the
licence's URL or id, since portals differ (CKAN's defaults say ``cc-by``, others ``CC-BY-4.0``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from catalog_api.ckan import organization_name
from catalog_api.release_contract import PublicUrls

MANAGED_BY = "managed_by"
Action = Literal["create", "update", "unchanged", "retire", "conflict"]
#: Our resource formats as CKAN portals name them (datapackage.json is the JSON one: the
#: Frictionless descriptor of the data files).
FORMATS = {"CSV": "CSV", "Parquet": "Parquet", "GeoJSON": "GeoJSON", "JSON": "JSON"}
#: Release files that are not resources (the package itself describes them).
NOT_RESOURCES = frozenset({"metadata.json", "quality.html"})
#: What the sync writes of each resource, and so what it compares.
RESOURCE_KEYS = ("name", "url", "format", "mimetype", "size", "hash", "last_modified")


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


def organization(dataset: Mapping[str, Any]) -> dict[str, Any] | None:
    """The publisher as a CKAN organization to create when missing (with its 全国地方公共団体コード)."""
    if not dataset.get("publisher"):
        return None
    extras = [{"key": "publisher_en", "value": str(dataset.get("publisher_en") or "")}]
    if dataset.get("publisher_code"):
        extras.append({"key": "全国地方公共団体コード", "value": str(dataset["publisher_code"])})
    return {"name": organization_name(dataset["publisher"], dataset.get("publisher_en")),
            "title": dataset["publisher"], "description": str(dataset.get("publisher_en") or ""), "extras": extras}


def package_name(dataset_id: str) -> str:
    """A CKAN-safe name: 2–100 of lowercase ASCII letters, digits, ``-`` and ``_``."""
    name = re.sub(r"[^a-z0-9_-]+", "-", dataset_id.lower()).strip("-")[:100]
    return name if len(name) >= 2 else f"dataset-{name}".rstrip("-")


def package(dataset: Mapping[str, Any], urls: PublicUrls, platform_id: str,
            portal_licences: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The package to write for a dataset's current release; ``owner_org`` is its publisher's organization."""
    notes = "\n\n".join(t for t in (dataset.get("description"), dataset.get("title_en"),
                                    dataset.get("description_en")) if t)
    # the release's version goes into CKAN's own `version` field (CKAN refuses an extra of that name)
    extras = {"content_hash": dataset["content_hash"],
              "quality_status": str((dataset.get("quality") or {}).get("status") or ""),
              "source": json.dumps(dataset.get("source") or {}, ensure_ascii=False, sort_keys=True),
              MANAGED_BY: platform_id}
    bbox = ((dataset.get("coverage") or {}).get("spatial") or {}).get("bbox")
    if bbox:
        west, south, east, north = bbox
        extras["spatial"] = json.dumps({"type": "Polygon", "coordinates": [[[west, south], [east, south],
                                        [east, north], [west, north], [west, south]]]})
    resources = [{"name": r["name"], "url": urls.current_file(dataset["id"], r["name"]),
                  "format": FORMATS[r["format"]], "mimetype": r["media_type"].split(";")[0], "size": r["bytes"],
                  "hash": f"sha256:{r['sha256']}" if r.get("sha256") else "", "last_modified": _naive(dataset["updated_at"])}
                 for r in dataset.get("resources") or [] if r["format"] in FORMATS and r["name"] not in NOT_RESOURCES]
    organization_of = organization(dataset)
    return {
        "name": package_name(dataset["id"]), "title": dataset.get("title") or dataset["id"], "notes": notes,
        "version": str(dataset["version"]),
        "owner_org": organization_of["name"] if organization_of else None,
        "license_id": licence_id(dataset.get("license"), portal_licences),
        "tags": [{"name": k} for k in sorted({t for t in map(_tag, dataset.get("keywords") or []) if len(t) >= 2})],
        "extras": [{"key": k, "value": v} for k, v in sorted(extras.items())],
        "resources": resources,
    }


def _tag(keyword: object) -> str:
    """A keyword as a CKAN tag: 2 to 100 letters, digits, spaces, ``-``, ``_`` or ``.`` (CKAN's rule)."""
    return re.sub(r"[^\w \-.]+", " ", str(keyword)).strip()[:100]


def differences(desired: Mapping[str, Any], held: Mapping[str, Any]) -> list[str]:
    """The fields the portal holds otherwise than we would write them (empty: nothing to write)."""
    found = [key for key in ("title", "notes", "version", "license_id") if (held.get(key) or "") != (desired.get(key) or "")]
    held_org = (held.get("organization") or {}).get("name") or held.get("owner_org")
    if desired.get("owner_org") and held_org != desired["owner_org"]:
        found.append("owner_org")
    if sorted(t["name"] for t in held.get("tags") or []) != [t["name"] for t in desired["tags"]]:
        found.append("tags")
    if _pairs(held.get("extras")) != _pairs(desired.get("extras")):
        found.append("extras")
    if [_resource(r) for r in held.get("resources") or []] != [_resource(r) for r in desired["resources"]]:
        found.append("resources")
    return found


def _pairs(extras: Sequence[Mapping[str, Any]] | None) -> dict[str, str]:
    return {str(e["key"]): str(e["value"]) for e in extras or []}


def _resource(resource: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple("" if resource.get(k) is None else str(resource[k]) for k in RESOURCE_KEYS)


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
    return [*(decide(name, desired[name], existing.get(name), platform_id) for name in sorted(desired)),
            *(Step("retire", name, "the dataset is no longer published here")
              for name in sorted(set(existing) - set(desired))
              if extra(existing[name], MANAGED_BY) == platform_id and existing[name].get("state") != "deleted")]


def decide(name: str, desired: Mapping[str, Any], held: Mapping[str, Any] | None, platform_id: str) -> Step:
    """What to do to one package of ours-to-be, given what the portal holds under its name."""
    if held is None:
        return Step("create", name, "not in the portal")
    owner = extra(held, MANAGED_BY)
    if owner != platform_id:
        return Step("conflict", name, f"a package of this name is managed by {owner!r}, not by us: left untouched"
                    if owner else "a package of this name exists and is not ours: left untouched")
    if held.get("state") == "deleted":
        return Step("create", name, "ours, deleted in the portal: restored")
    changed = differences(desired, held)
    if not changed:
        return Step("unchanged", name, f"version {held.get('version')} already mirrored")
    if held.get("version") != desired.get("version"):
        return Step("update", name, f"version {held.get('version')} → {desired.get('version')}")
    return Step("update", name, f"{', '.join(changed)} differ in the portal")


def _naive(iso: str) -> str:
    return iso.removesuffix("Z")
