"""Run the real catalogue API in a subprocess, as a user would, for HTTP-level tests.

Why a real server rather than ``TestClient``: streaming, Content-Length, ETag/304 and the
``--factory`` start-up path are only proven by going through uvicorn and a socket.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx

PROJECT_ROOT = Path(__file__).resolve().parents[2]
_START_ATTEMPTS = 3


class ServerDidNotStart(RuntimeError):
    """The API server exited or did not answer /healthz in time; the message holds its output."""


def free_port() -> int:
    """A TCP port that was free a moment ago (the OS picks it, so parallel runs do not collide)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def run_api_server(
    home: Path,
    *,
    env: Mapping[str, str] | None = None,
    timeout: float = 30.0,
) -> Iterator[str]:
    """Start ``uvicorn catalog_api.app:create_app --factory`` on a free port; yield its base URL.

    ``TDPF_HOME`` is set to ``home``; other ``TDPF_*`` variables of the calling environment are
    dropped so a developer's shell cannot change test results (pass them in ``env`` instead).
    Waits up to ``timeout`` seconds for ``/healthz``; on failure raises ``ServerDidNotStart`` with
    the server's output. The server is terminated (killed if it hangs) when the block exits.
    """
    child_env = {key: value for key, value in os.environ.items() if not key.startswith("TDPF_")}
    child_env["TDPF_HOME"] = str(Path(home).resolve())
    child_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))
    child_env["PYTHONUNBUFFERED"] = "1"
    child_env.update(env or {})

    # Output goes to a file, not a pipe: a pipe nobody reads fills up and blocks the server.
    with tempfile.TemporaryFile() as output:
        process, base_url = _start(child_env, timeout, output)
        try:
            yield base_url
        finally:
            _stop(process)


def _start(env: dict[str, str], timeout: float, output: IO[bytes]) -> tuple[subprocess.Popen[bytes], str]:
    # free_port() can race with another process grabbing the port before uvicorn binds it;
    # that case (and only that one) is retried on a new port.
    for attempt in range(1, _START_ATTEMPTS + 1):
        port = free_port()
        command = [
            sys.executable, "-m", "uvicorn", "catalog_api.app:create_app", "--factory",
            "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
        ]
        output.seek(0)
        output.truncate()
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
        base_url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_healthy(process, base_url, timeout, output)
            return process, base_url
        except ServerDidNotStart as exc:
            _stop(process)
            if "address already in use" in str(exc).lower() and attempt < _START_ATTEMPTS:
                continue
            raise
    raise AssertionError("unreachable")


def _wait_until_healthy(process: subprocess.Popen[bytes], base_url: str, timeout: float, output: IO[bytes]) -> None:
    deadline = time.monotonic() + timeout
    last_error = "no answer yet"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerDidNotStart(
                f"API server exited with code {process.returncode} before answering /healthz:\n{_read(output)}"
            )
        try:
            response = httpx.get(f"{base_url}/healthz", timeout=2.0)
            if response.status_code == 200:
                return
            last_error = f"/healthz answered {response.status_code}: {response.text[:500]}"
        except httpx.HTTPError as exc:
            last_error = repr(exc)
        time.sleep(0.1)
    raise ServerDidNotStart(
        f"API server at {base_url} not healthy after {timeout:.0f}s ({last_error}):\n{_read(output)}"
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _read(output: IO[bytes]) -> str:
    output.flush()
    output.seek(0)
    return output.read().decode("utf-8", errors="replace")[-20000:]
