"""One CKAN sync: read what the portal holds, plan (``ckan_sync.plan``), apply package by package, report.

What keeps it safe to run any number of times, and half-way through a portal's restart:
- every package is written whole, by one ``package_create`` or ``package_update`` carrying all
  its resources (CKAN writes one in one transaction), so no package is left with some of them;
- a write that fails for want of an answer is retried with backoff, and each try first reads the
  package again and decides anew: a create that CKAN did commit before the connection dropped
  is then seen as done, never made twice;
- when the portal stays unavailable, the sync stops there: the packages after it are reported
  as not attempted, and the next sync picks them up;
- a portal's refusal (a validation error, say) fails that dataset only, with CKAN's message;
- a package whose ``managed_by`` is not ours is never written, and only ours are retired.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from catalog_api import ckan_sync
from catalog_api.ckan_portal import Portal, PortalError, Rejected, RetryPolicy, Unavailable
from catalog_api.deps import CatalogueUrls
from catalog_api.release_store import ReleaseStore
from catalog_api.schemas import DatasetOut

#: The ``managed_by`` of packages this platform writes, unless TDPF_PLATFORM_ID says otherwise.
DEFAULT_PLATFORM_ID = "tdpf"
#: The counts every report has (the CLI's ``--json`` and the Dagster metadata).
COUNTS = ("created", "updated", "unchanged", "retired", "conflicts", "failed")
_COUNTED = {"create": "created", "update": "updated", "unchanged": "unchanged", "retire": "retired",
            "conflict": "conflicts"}


class NotConfigured(ValueError):
    """A setting the sync needs is missing or malformed; the message names it."""


@dataclass(frozen=True)
class SyncSettings:
    """Where to sync to and as whom, from ``CKAN_URL``, ``CKAN_API_TOKEN`` and ``TDPF_PUBLIC_URL``."""

    ckan_url: str
    token: str = field(repr=False)  # never printed, not even by repr()
    public_url: str
    platform_id: str = DEFAULT_PLATFORM_ID
    retry: RetryPolicy = RetryPolicy()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, dry_run: bool = False) -> SyncSettings | None:
        """The settings, or None when no CKAN is configured (the sync is then skipped)."""
        env = os.environ if env is None else env
        url = (env.get("CKAN_URL") or "").strip()
        if not url:
            return None
        if not url.startswith(("http://", "https://")):
            raise NotConfigured(f"CKAN_URL must start with http:// or https:// (it is {url!r})")
        token = (env.get("CKAN_API_TOKEN") or "").strip()
        if not token and not dry_run:
            raise NotConfigured("CKAN_API_TOKEN is not set: the sync writes as a CKAN user (a sysadmin, or an "
                                "editor of the publishers' organizations); `tdpf ckan up` prints one for a local CKAN")
        public = (env.get("TDPF_PUBLIC_URL") or env.get("TDPF_BASE_URL") or "").strip().rstrip("/")
        if not public.startswith(("http://", "https://")):
            raise NotConfigured("TDPF_PUBLIC_URL is not set (or not http(s)://): the resources' download URLs "
                                "start with this platform's public base URL, e.g. https://data.example.jp")
        retry = RetryPolicy(attempts=int(env.get("TDPF_CKAN_RETRIES") or RetryPolicy.attempts))
        return cls(url.rstrip("/"), token, public, (env.get("TDPF_PLATFORM_ID") or DEFAULT_PLATFORM_ID).strip(), retry)


@dataclass
class Outcome:
    """What happened to one package: the planned action, and whether it was done."""

    name: str
    action: str
    status: str  # "done", "planned" (dry run), "failed", "not attempted"
    reason: str
    error: str | None = None


@dataclass
class Report:
    """A sync's result, printed for people and kept as JSON in the data directory."""

    ckan_url: str
    platform_id: str
    dry_run: bool
    started_at: str
    seconds: float = 0.0
    outcomes: list[Outcome] = field(default_factory=list)
    organizations_created: list[str] = field(default_factory=list)
    stopped: str | None = None  # why the sync stopped before the end (the portal unavailable)
    calls: int = 0
    writes: int = 0

    def counts(self) -> dict[str, int]:
        found = dict.fromkeys(COUNTS, 0)
        for outcome in self.outcomes:
            if outcome.status == "failed":
                found["failed"] += 1
            elif outcome.status in ("done", "planned"):
                found[_COUNTED[outcome.action]] += 1
        found["not_attempted"] = sum(o.status == "not attempted" for o in self.outcomes)
        return found

    @property
    def ok(self) -> bool:
        return self.stopped is None and not any(o.status in ("failed", "not attempted") for o in self.outcomes)

    def to_json(self) -> dict[str, Any]:
        return {**self.counts(), "ok": self.ok, "dry_run": self.dry_run, "ckan_url": self.ckan_url,
                "platform_id": self.platform_id, "started_at": self.started_at, "seconds": round(self.seconds, 3),
                "calls": self.calls, "writes": self.writes, "stopped": self.stopped,
                "organizations_created": self.organizations_created,
                "packages": [asdict(o) for o in self.outcomes]}

    def problems(self) -> list[str]:
        """One line per package that failed or was not attempted, and why the sync stopped."""
        lines = [f"{o.name}: {o.action} {o.status}: {o.error}" for o in self.outcomes if o.status == "failed"]
        skipped = [o.name for o in self.outcomes if o.status == "not attempted"]
        if self.stopped:
            lines.append(f"stopped: {self.stopped}" + (f"; not attempted: {', '.join(skipped)}" if skipped else ""))
        return lines

    def summary(self) -> str:
        counts = self.counts()
        parts = [f"{counts[k]} {k}" for k in (*COUNTS, "not_attempted") if counts[k] or k in ("created", "failed")]
        verb = "planned" if self.dry_run else "synced"
        return f"CKAN {self.ckan_url}: {verb} in {self.seconds:.1f} s — " + ", ".join(parts)


def desired_packages(store: ReleaseStore, settings: SyncSettings,
                     licences: list[Mapping[str, Any]]) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Every current release as the package to write, by name, and the organizations they belong to."""
    urls = CatalogueUrls(settings.public_url)
    packages: dict[str, dict[str, Any]] = {}
    organizations: dict[str, dict[str, Any]] = {}
    for release in store.list_current():
        dataset = DatasetOut.from_current(release, urls, store.latest_attempt(release.dataset_id)).model_dump()
        body = ckan_sync.package(dataset, urls, settings.platform_id, licences)
        packages[body["name"]] = body
        organization = ckan_sync.organization(dataset)
        if organization:
            organizations.setdefault(organization["name"], organization)
    return packages, organizations


def sync(store: ReleaseStore, settings: SyncSettings, *, dry_run: bool = False,
         on_outcome: Callable[[Outcome], None] | None = None,
         on_wait: Callable[[str, float, PortalError], None] | None = None) -> Report:
    """Mirror the current releases into the portal (or, with ``dry_run``, only plan it)."""
    started = time.perf_counter()
    report = Report(settings.ckan_url, settings.platform_id, dry_run,
                    datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"))
    portal = Portal(settings.ckan_url, settings.token or None, retry=settings.retry, on_wait=on_wait)
    try:
        _sync(portal, store, settings, report, dry_run, on_outcome or (lambda outcome: None))
    finally:
        portal.close()
        report.seconds = time.perf_counter() - started
        report.calls, report.writes = len(portal.log.calls), len(portal.log.writes)
    return report


def _sync(portal: Portal, store: ReleaseStore, settings: SyncSettings, report: Report, dry_run: bool,
          on_outcome: Callable[[Outcome], None]) -> None:
    try:
        portal.read("status_show")
        desired, organizations = desired_packages(store, settings, portal.read("license_list"))
        existing = _held(portal, desired, settings.platform_id)
    except PortalError as exc:
        report.stopped = f"could not read the portal: {exc}"
        return
    steps = ckan_sync.plan(desired, existing, settings.platform_id)
    if dry_run:
        for step in steps:
            _record(report, on_outcome, Outcome(step.name, step.action, "planned", step.reason))
        return
    failed_orgs = _ensure_organizations(portal, steps, desired, organizations, report)
    for index, step in enumerate(steps):
        if report.stopped:
            _record(report, on_outcome, Outcome(step.name, step.action, "not attempted", step.reason,
                                                "the sync stopped before it: " + report.stopped))
            continue
        owner = desired.get(step.name, {}).get("owner_org")
        if step.action in ("create", "update") and owner in failed_orgs:
            _record(report, on_outcome, Outcome(step.name, step.action, "failed", step.reason,
                                                f"its organization {owner!r} could not be made: {failed_orgs[owner]}"))
            continue
        try:
            reason = _apply(portal, step, desired.get(step.name), settings.platform_id)
            _record(report, on_outcome, Outcome(step.name, step.action, "done", reason or step.reason))
        except Rejected as exc:
            _record(report, on_outcome, Outcome(step.name, step.action, "failed", step.reason,
                                                f"{step.name}: CKAN refused {exc}"))
        except Unavailable as exc:
            report.stopped = f"the portal stopped answering ({exc}) after {settings.retry.attempts} tries"
            _record(report, on_outcome, Outcome(step.name, step.action, "failed", step.reason, f"{step.name}: {exc}"))


def _record(report: Report, on_outcome: Callable[[Outcome], None], outcome: Outcome) -> None:
    report.outcomes.append(outcome)
    on_outcome(outcome)


def _held(portal: Portal, desired: Mapping[str, Any], platform_id: str) -> dict[str, dict[str, Any]]:
    """The portal's package of each desired name (deleted ones too: a sysadmin sees them), and every one of ours."""
    held = {name: found for name in desired if (found := portal.show("package_show", name)) is not None}
    start, rows = 0, 1000
    while True:
        page = portal.read("package_search", fq=f'extras_{ckan_sync.MANAGED_BY}:"{platform_id}"', rows=rows,
                           start=start, include_private=True, include_drafts=True)
        for found in page.get("results") or []:
            if ckan_sync.extra(found, ckan_sync.MANAGED_BY) == platform_id:  # the index matches words; we match exactly
                held.setdefault(found["name"], found)
        start += rows
        if start >= int(page.get("count") or 0):
            return held


def _ensure_organizations(portal: Portal, steps: list[ckan_sync.Step], desired: Mapping[str, Any],
                          organizations: Mapping[str, Mapping[str, Any]], report: Report) -> dict[str, str]:
    """Create the organizations the written packages need and the portal lacks; the ones that failed, why."""
    needed = sorted({desired[s.name]["owner_org"] for s in steps
                     if s.action in ("create", "update") and desired[s.name].get("owner_org")})
    failed: dict[str, str] = {}
    for name in needed:
        try:
            def attempt(name: str = name) -> bool:
                if portal.call("organization_list", organizations=[name], all_fields=False):
                    return False
                portal.call("organization_create", **organizations[name])
                return True
            if portal.retrying(attempt):
                report.organizations_created.append(name)
        except PortalError as exc:
            failed[name] = str(exc)
    return failed


def _apply(portal: Portal, step: ckan_sync.Step, desired: Mapping[str, Any] | None, platform_id: str) -> str | None:
    """Carry out one step; each retry reads the package again first. Returns a reason when it differs from the plan's."""
    if step.action in ("unchanged", "conflict"):
        return None

    def attempt() -> str | None:
        held = portal.find("package_show", step.name)
        if step.action == "retire":
            if held is None or held.get("state") == "deleted" or ckan_sync.extra(held, ckan_sync.MANAGED_BY) != platform_id:
                return "already gone from the portal"
            portal.call("package_delete", id=held["id"])
            return None
        assert desired is not None
        now = ckan_sync.decide(step.name, desired, held, platform_id)
        if now.action == "unchanged":
            return "already as wanted (an earlier try was committed)"
        if now.action == "conflict":
            raise Rejected("package_show", now.reason)
        if held is None:
            portal.call("package_create", **desired)
        else:
            portal.call("package_update", **_update_body(desired, held))
        return None

    return portal.retrying(attempt)


def _update_body(desired: Mapping[str, Any], held: Mapping[str, Any]) -> dict[str, Any]:
    """The whole package to write over ``held``, keeping its id and its resources' ids (links to them stay)."""
    ids = {r.get("name"): r["id"] for r in held.get("resources") or [] if r.get("id")}
    resources = [{**r, "id": ids[r["name"]]} if r["name"] in ids else dict(r) for r in desired["resources"]]
    return {**desired, "id": held["id"], "state": "active", "resources": resources}


def save_report(report: Report, folder: Path) -> Path:
    """Keep the report as ``<folder>/<UTC time>.json`` and ``latest.json``; the path of the first."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = report.started_at.replace(":", "").replace("-", "")
    path = folder / f"{stamp}{'-dry-run' if report.dry_run else ''}.json"
    text = json.dumps(report.to_json(), ensure_ascii=False, indent=2)
    for target in (path, folder / "latest.json"):
        temporary = target.with_suffix(".tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, target)
    return path
