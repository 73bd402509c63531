"""`kill -9` during ingest, dbt and publish: releases are never torn, and the next build recovers alone.

One chain on one data directory: a `tdpf build --full` is killed (the whole process group, dbt
included) while it ingests; the next build, redoing what that one left, is killed while dbt runs;
the next while it publishes; then a last `tdpf build` finishes the work. After every kill every served release is
whole (each file there, with the size and SHA-256 its metadata.json records) and the real HTTP API
serves it; the build after each kill says it recovered, and the last leaves no run STARTED and no
scratch behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import dagster as dg
import httpx
import pytest

from tests.conftest import REPO, TDPF, run_tdpf
from tests.helpers.api_server import run_api_server

pytestmark = pytest.mark.slow

#: (stage, what the build log shows when it is under way, the build's arguments). Only the first is
#: ``--full``; each later one is a plain build that must first redo what the killed one left undone.
KILL_POINTS = [
    ("ingest", 'Started execution of step "ingest_registers"', ("--full",)),
    ("dbt", "Running dbt command", ()),
    ("publish", 'Started execution of step "release__std_', ()),
]


def _kill_when(home: Path, marker: str, args: tuple[str, ...], timeout: float = 400) -> str:
    """Start `tdpf build`, SIGKILL its process group once its log shows ``marker``; its stderr."""
    before = set((home / "logs").glob("build-*.log"))
    env = {**os.environ, "TDPF_HOME": str(home)}
    env.pop("DAGSTER_HOME", None)
    process = subprocess.Popen([TDPF, "build", *args], cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            logs = set((home / "logs").glob("build-*.log")) - before
            if any(marker in log.read_text(encoding="utf-8", errors="replace") for log in logs):
                os.killpg(process.pid, signal.SIGKILL)
                break
            assert process.poll() is None, f"the build ended before {marker!r}: {process.stderr.read()[-3000:]}"
            time.sleep(0.2)
        else:
            pytest.fail(f"no {marker!r} within {timeout} s")
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, f"the build ended by itself before the kill ({marker!r})"
    return process.stderr.read()


def _assert_releases_whole(home: Path) -> dict[str, int]:
    index = json.loads((home / "releases" / "index.json").read_text(encoding="utf-8"))
    current = {}
    for dataset, entry in index["datasets"].items():
        version = next(v for v in entry["versions"] if v["version"] == entry["current_version"])
        folder = home / "releases" / dataset / version["content_hash"][:16]
        metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
        for resource in metadata["resources"]:
            data = (folder / resource["name"]).read_bytes()
            assert len(data) == resource["bytes"], f"{dataset} {resource['name']} is torn"
            assert hashlib.sha256(data).hexdigest() == resource["sha256"], f"{dataset} {resource['name']} differs"
        current[dataset] = entry["current_version"]
    return current


def _live_runs(home: Path) -> list[str]:
    instance = dg.DagsterInstance.from_config(str(home / "dagster"))
    try:
        live = [dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING]
        return [r.dagster_run.run_id for r in instance.get_run_records(filters=dg.RunsFilter(statuses=live))]
    finally:
        instance.dispose()


def test_a_build_killed_at_any_stage_tears_nothing_and_the_next_build_recovers(home_copy: Path) -> None:
    published = _assert_releases_whole(home_copy)
    phantoms: dict[str, list[str]] = {}
    previous = ""
    for phase, marker, args in KILL_POINTS:
        said = _kill_when(home_copy, marker, args)
        if phase != "ingest" and phantoms[previous]:
            assert "recovered from a killed build" in said  # it swept the killed build's runs first
        # a kill that lands between two runs leaves none STARTED; one inside a run leaves it STARTED
        phantoms[phase] = _live_runs(home_copy)
        previous = phase
        current = _assert_releases_whole(home_copy)
        assert set(current) == set(published)  # nothing was lost; versions only move forward
        assert all(current[d] >= published[d] for d in published)
        published = current
    with run_api_server(home_copy) as url:  # what a client sees right after a kill in the middle of publishing
        listing = httpx.get(f"{url}/api/v1/datasets", timeout=30)
        assert listing.status_code == 200
        aed = httpx.get(f"{url}/api/v1/datasets/aed-locations", timeout=30).json()
        csv = next(r for r in aed["resources"] if r["name"] == "data.csv")
        body = httpx.get(csv["url"], timeout=30)
        assert body.status_code == 200 and hashlib.sha256(body.content).hexdigest() == csv["sha256"]

    assert any(phantoms.values()), "no kill landed inside a run: the sweep was never exercised"

    result = run_tdpf(home_copy, "build")

    assert result.returncode == 0, result.stderr[-4000:]
    if phantoms["publish"]:
        assert "recovered from a killed build" in result.stderr and "marked failed" in result.stderr
    assert _live_runs(home_copy) == []  # no phantom running run in the UI
    assert list((home_copy / "tmp").iterdir()) == []  # no scratch, staged verdicts or spill files left
    assert not (home_copy / "warehouse" / "tdpf.duckdb.tmp").exists() or \
        list((home_copy / "warehouse" / "tdpf.duckdb.tmp").iterdir()) == []
    _assert_releases_whole(home_copy)
    again = run_tdpf(home_copy, "build")
    assert again.returncode == 0 and "Nothing changed" in again.stderr, again.stderr[-3000:]
