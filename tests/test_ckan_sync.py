"""The CKAN sync against a real CKAN 2.12 (with its own PostgreSQL and Redis) started by the project's scripts.

One CKAN serves the whole module, and the tests run in order, each starting from what the one
before left in the portal: the first sync creates, the second writes nothing, a new release
updates one package, a foreign package of one of our names is a conflict, a dataset gone from
the catalogue is retired (and restored when it returns), CKAN stopped half-way through a sync
fails it clearly and the next sync converges. Only Solr is the project's stand-in
(``catalog_api/ckan_local/solr_standin.py``): CKAN cannot write a dataset without a search index.

The catalogue synced is a copy of the built data directory's releases, republished through the
release store's own ``publish`` so the tests can add versions and leave datasets out.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ckanapi
import dagster as dg
import pytest

from catalog_api.ckan_local.stack import Stack, State
from catalog_api.ckan_portal import RetryPolicy
from catalog_api.ckan_sync_run import Outcome, SyncSettings, sync
from catalog_api.release_contract import ATTACHMENT_KEYS, STORE_KEYS
from catalog_api.release_store import Attachments, ReleaseStore
from pipelines.defs.ckan import CkanSyncResource, build_ckan_sync_asset
from pipelines.defs.resources import TdpfHome

pytestmark = pytest.mark.slow

PUBLIC = "https://data.example.jp/tdpf"
REPO = Path(__file__).resolve().parent.parent
NOT_COPIED = frozenset({"metadata.json", "quality.html"})


@pytest.fixture(scope="module")
def ckan() -> Iterator[tuple[Stack, State]]:
    """A CKAN of the project's own scripts, in a folder PostgreSQL's user can reach (pytest's tmp is mode 700)."""
    root = Path(tempfile.mkdtemp(prefix="tdpf-ckan-test-", dir="/tmp"))
    os.chmod(root, 0o755)
    stack = Stack(root / "ckan", log=lambda line: None)
    try:
        yield stack, stack.up()
    finally:
        stack.down()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def home(built_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory whose releases are the built ones, republished (so the tests may add to them)."""
    target = tmp_path_factory.mktemp("ckan-sync") / "data"
    source, store = ReleaseStore(built_home / "releases"), ReleaseStore(target / "releases")
    for release in source.list_current():
        republish(source, store, release.dataset_id)
    return target


def republish(source: ReleaseStore, target: ReleaseStore, dataset_id: str, new_id: str | None = None,
              **changes: Any) -> None:
    """Publish ``dataset_id``'s current release of ``source`` into ``target`` (as ``new_id``), content changed by ``changes``."""
    release = source.current(dataset_id)
    assert release is not None
    files = {r.name: source.file_path(release, r.name) for r in release.resources if r.name not in NOT_COPIED}
    content = {k: v for k, v in release.metadata.items() if k not in STORE_KEYS | ATTACHMENT_KEYS}
    attached = {k: release.metadata[k] for k in ATTACHMENT_KEYS if k in release.metadata}
    target.publish(new_id or dataset_id, files, {**content, **changes}, Attachments(metadata=attached, files={}))


def settings_for(state: State, **retry: float) -> SyncSettings:
    return SyncSettings(state.url, state.token, PUBLIC, retry=RetryPolicy(**retry) if retry else RetryPolicy())


def client(state: State) -> ckanapi.RemoteCKAN:
    return ckanapi.RemoteCKAN(state.url, apikey=state.token)


def portal_packages(state: State) -> dict[str, dict[str, Any]]:
    """Every package in the portal, as package_show answers it (the database, not the search index)."""
    with client(state) as portal:
        return {name: portal.action.package_show(id=name) for name in portal.action.package_list()}


def extras(package: dict[str, Any]) -> dict[str, str]:
    return {e["key"]: e["value"] for e in package.get("extras") or []}


def run_cli(home: Path, state: State, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TDPF_HOME": str(home), "CKAN_URL": state.url, "CKAN_API_TOKEN": state.token,
           "TDPF_PUBLIC_URL": PUBLIC}
    return subprocess.run([sys.executable, "-m", "pipelines.cli", "ckan", "sync", *args], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=300)


# ------------------------------------------------------------------ the sequence


def test_the_first_sync_creates_every_dataset_with_its_resources_and_organization(ckan: tuple[Stack, State],
                                                                                  home: Path) -> None:
    _, state = ckan
    store = ReleaseStore(home / "releases")
    done = run_cli(home, state, "--json")
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    releases = store.list_current()
    assert report["created"] == len(releases) >= 10 and report["failed"] == 0 and report["ok"]
    assert (home / "ckan_sync" / "latest.json").exists()
    held = portal_packages(state)
    assert set(held) == {r.dataset_id for r in releases}
    for release in releases:
        package = held[release.dataset_id]
        meta = release.metadata
        assert package["title"] == meta["title"] and package["version"] == str(release.version)
        assert meta["title_en"] in package["notes"]
        found = extras(package)
        assert found["content_hash"] == release.content_hash and found["managed_by"] == "tdpf"
        assert found["quality_status"] == meta["quality"]["status"]
        assert json.loads(found["source"]) == meta["source"]
        expected = [r for r in release.resources if r.name not in NOT_COPIED]
        assert [(r["name"], r["url"], r["size"], r["hash"]) for r in package["resources"]] == [
            (r.name, f"{PUBLIC}/api/v1/datasets/{release.dataset_id}/{r.name}", r.bytes, f"sha256:{r.sha256}")
            for r in expected]
        assert {r["format"] for r in package["resources"]} <= {"CSV", "Parquet", "GeoJSON", "JSON"}
        if ((meta.get("coverage") or {}).get("spatial") or {}).get("bbox"):
            assert json.loads(found["spatial"])["type"] == "Polygon"
        assert package["organization"]["title"] == meta["publisher"]
    with client(state) as portal:
        organization = portal.action.organization_show(id=held["aed-locations"]["organization"]["name"],
                                                       include_extras=True)
    assert {"key": "全国地方公共団体コード", "value": "130001"} in organization["extras"]


def test_the_second_sync_changes_nothing_and_writes_nothing(ckan: tuple[Stack, State], home: Path) -> None:
    _, state = ckan
    before = portal_packages(state)
    report = sync(ReleaseStore(home / "releases"), settings_for(state))
    assert report.ok and report.counts()["unchanged"] == len(before) and report.writes == 0, report.to_json()
    after = portal_packages(state)
    assert {n: p["metadata_modified"] for n, p in after.items()} == {n: p["metadata_modified"] for n, p in before.items()}


def test_a_new_release_updates_exactly_that_package(ckan: tuple[Stack, State], home: Path) -> None:
    _, state = ckan
    store = ReleaseStore(home / "releases")
    before = portal_packages(state)
    republish(store, store, "public-toilets", description="公衆トイレの一覧（更新）。")
    report = sync(store, settings_for(state))
    counts = report.counts()
    assert counts["updated"] == 1 and counts["unchanged"] == len(before) - 1 and report.ok, report.to_json()
    assert [o.name for o in report.outcomes if o.action == "update"] == ["public-toilets"]
    after = portal_packages(state)
    changed = {n for n in after if after[n]["metadata_modified"] != before[n]["metadata_modified"]}
    assert changed == {"public-toilets"}
    package = after["public-toilets"]
    assert package["version"] == "2" and package["notes"].startswith("公衆トイレの一覧（更新）。")
    assert extras(package)["content_hash"] == store.current("public-toilets").content_hash
    # the resources were updated in place: links to them in the portal still work
    assert [r["id"] for r in package["resources"]] == [r["id"] for r in before["public-toilets"]["resources"]]


def test_a_package_of_our_name_that_is_not_ours_is_a_conflict_and_left_untouched(ckan: tuple[Stack, State],
                                                                                home: Path) -> None:
    _, state = ckan
    store = ReleaseStore(home / "releases")
    with client(state) as portal:
        organization = portal.action.organization_create(name="another-publisher", title="別の発行者")
        theirs = portal.action.package_create(name="aed-locations-copy", title="別の発行者のAED", owner_org=organization["id"],
                                              extras=[{"key": "managed_by", "value": "another-platform"}])
        unrelated = portal.action.package_create(name="their-own-dataset", title="手作業の登録", owner_org=organization["id"])
    republish(store, store, "aed-locations", new_id="aed-locations-copy")
    report = sync(store, settings_for(state))
    conflict = [o for o in report.outcomes if o.action == "conflict"]
    assert [o.name for o in conflict] == ["aed-locations-copy"] and "another-platform" in conflict[0].reason
    assert report.counts()["conflicts"] == 1 and report.counts()["retired"] == 0
    after = portal_packages(state)
    for before in (theirs, unrelated):
        assert after[before["name"]]["metadata_modified"] == before["metadata_modified"]
        assert after[before["name"]]["title"] == before["title"]
    assert extras(after["aed-locations-copy"]) == {"managed_by": "another-platform"}


def test_a_dataset_gone_from_the_catalogue_is_retired_and_restored_when_it_returns(
        ckan: tuple[Stack, State], home: Path, tmp_path: Path) -> None:
    _, state = ckan
    full = ReleaseStore(home / "releases")
    without = ReleaseStore(tmp_path / "releases")
    for release in full.list_current():
        if release.dataset_id != "cultural-properties":
            republish(full, without, release.dataset_id)
    report = sync(without, settings_for(state))
    assert [(o.name, o.status) for o in report.outcomes if o.action == "retire"] == [("cultural-properties", "done")]
    with client(state) as portal:
        assert portal.action.package_show(id="cultural-properties")["state"] == "deleted"
        assert portal.action.package_show(id="their-own-dataset")["state"] == "active"  # not ours: never retired
    back = sync(full, settings_for(state))
    restored = [o for o in back.outcomes if o.name == "cultural-properties"]
    assert restored[0].action == "create" and "restored" in restored[0].reason and back.ok
    with client(state) as portal:
        assert portal.action.package_show(id="cultural-properties")["state"] == "active"


def test_ckan_stopped_half_way_fails_the_sync_clearly_and_the_next_one_converges(ckan: tuple[Stack, State],
                                                                                  home: Path) -> None:
    stack, state = ckan
    store = ReleaseStore(home / "releases")
    changed = ["childcare-facilities", "emergency-evacuation-sites", "population-by-area-and-age", "public-facilities",
               "public-wifi-access-points"]
    for dataset_id in changed:
        republish(store, store, dataset_id, title_en=f"{store.current(dataset_id).metadata['title_en']} (revised)")
    done: list[Outcome] = []

    def stop_after_two(outcome: Outcome) -> None:
        if outcome.action == "update" and outcome.status == "done":
            done.append(outcome)
            if len(done) == 2:
                stack.stop_ckan()  # as a crash or a restart would: the process is gone, the database stays

    broken = sync(store, settings_for(state, attempts=3, first_wait=0.1), on_outcome=stop_after_two)
    counts = broken.counts()
    assert not broken.ok and broken.stopped and "no answer from" in broken.stopped, broken.to_json()
    assert counts["updated"] == 2 and counts["failed"] == 1 and counts["not_attempted"] >= 2
    assert any("not attempted" in line for line in broken.problems())
    stack.start_ckan()
    again = sync(store, settings_for(state))
    assert again.ok and again.counts()["updated"] == len(changed) - 2 and again.counts()["failed"] == 0, again.to_json()
    settled = sync(store, settings_for(state))
    assert settled.writes == 0 and settled.counts()["created"] == settled.counts()["updated"] == 0
    held = portal_packages(state)
    for release in store.list_current():
        if release.dataset_id == "aed-locations-copy":
            continue  # the conflict: not ours, never written
        package = held[release.dataset_id]
        names = [r["name"] for r in package["resources"]]
        assert names == [r.name for r in release.resources if r.name not in NOT_COPIED], release.dataset_id
        assert extras(package)["content_hash"] == release.content_hash
    with client(state) as portal:  # nothing made twice: one organization per publisher, one package per name
        organizations = portal.action.organization_list()
    assert len(organizations) == len(set(organizations)) == 3


def test_the_dagster_asset_syncs_and_no_token_reaches_logs_reports_or_metadata(
        ckan: tuple[Stack, State], home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stack, state = ckan
    monkeypatch.setenv("CKAN_URL", state.url)
    monkeypatch.setenv("CKAN_API_TOKEN", state.token)
    monkeypatch.setenv("TDPF_PUBLIC_URL", PUBLIC)
    instance = dg.DagsterInstance.ephemeral()
    asset = build_ckan_sync_asset([])
    resources = {"tdpf": TdpfHome(root=str(home)), "ckan": CkanSyncResource()}
    result = dg.materialize([asset], resources=resources, instance=instance)
    assert result.success
    metadata = result.asset_materializations_for_node("ckan_sync")[0].metadata
    assert metadata["status"].value == "synced" and metadata["unchanged"].value >= 10
    events = " ".join(str(e) for e in instance.all_logs(result.run_id))
    cli = run_cli(home, state, "--dry-run", "--json")
    assert cli.returncode == 0
    reports = " ".join(p.read_text() for p in (home / "ckan_sync").glob("*.json"))
    logs = " ".join(p.read_text(errors="replace") for p in stack.logs.glob("*"))
    for where, text in {"dagster events": events, "dagster metadata": str(metadata), "reports": reports,
                        "CLI output": cli.stdout + cli.stderr, "the stack's logs": logs}.items():
        assert state.token not in text, where
        assert state.token[-24:] not in text, where  # not even its end
    monkeypatch.delenv("CKAN_URL")
    skipped = dg.materialize([asset], resources=resources, instance=instance)
    assert skipped.asset_materializations_for_node("ckan_sync")[0].metadata["status"].value == "skipped"
