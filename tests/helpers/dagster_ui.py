"""Run the real Dagster webserver on a data directory and ask it what its UI shows.

Why GraphQL: every page of the Dagster UI is drawn from the webserver's GraphQL API, so a
query returning the schedule, the sensors, partitions and check results proves the UI has
them to show, without depending on the layout of a React page that changes every release.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.helpers.api_server import PROJECT_ROOT, ServerDidNotStart, free_port


@contextmanager
def run_dagster_webserver(home: Path, timeout: float = 120.0) -> Iterator[str]:
    """Start ``dagster-webserver -w workspace.yaml`` for ``home``; yield its base URL."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TDPF_", "DAGSTER_"))}
    env.update(TDPF_HOME=str(home), DAGSTER_HOME=str(home / "dagster"), PYTHONUNBUFFERED="1")
    webserver = str(Path(sys.executable).parent / "dagster-webserver")
    port = free_port()
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(
            [webserver, "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
            cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            _wait_for_code_location(process, base_url, timeout, output)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def graphql(base_url: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """POST one query; return its ``data`` (GraphQL errors fail loudly with the server's words)."""
    response = httpx.post(f"{base_url}/graphql", json={"query": query, "variables": variables or {}}, timeout=60)
    response.raise_for_status()
    body = response.json()
    if body.get("errors"):
        raise AssertionError(f"GraphQL errors: {body['errors']}")
    return body["data"]


_LOCATION_STATUS = "{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus } } } }"


def _wait_for_code_location(process: subprocess.Popen[bytes], base_url: str, timeout: float, output: Any) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output.seek(0)
            raise ServerDidNotStart(f"dagster-webserver exited with {process.returncode}:\n{output.read().decode()[-5000:]}")
        try:
            entries = graphql(base_url, _LOCATION_STATUS)["workspaceOrError"]["locationEntries"]
            if entries and all(entry["loadStatus"] == "LOADED" for entry in entries):
                return
        except (httpx.HTTPError, KeyError, ValueError):
            pass
        time.sleep(0.5)
    output.seek(0)
    raise ServerDidNotStart(f"code location not loaded after {timeout:.0f}s:\n{output.read().decode()[-5000:]}")
