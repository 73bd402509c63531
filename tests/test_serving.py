"""``tdpf serve --workers N``: each worker listens on the port itself, and the parent supervises them.

Over an empty data directory: what is tested is the processes and sockets, not the catalogue.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, closing, contextmanager
from pathlib import Path

import psutil
import pytest

from tests.conftest import TDPF
from tests.helpers.api_server import free_port

CONNECTIONS = 16  # all on one of two workers by chance: 2 in 2**16


@contextmanager
def serving(home: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """``tdpf serve`` on a free port until the block ends (then stopped, killed if it hangs)."""
    port = free_port()
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("TDPF_")}
    child_env.update(TDPF_HOME=str(home), **(env or {}))
    process = subprocess.Popen([TDPF, "serve", "--port", str(port), "--no-access-log", *args], env=child_env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        yield process, port
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_until_serving(process: subprocess.Popen[bytes], port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read().decode() if process.stdout else ""
        try:
            if get(open_connection(port), "/healthz") == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"tdpf serve did not answer on port {port} in {timeout} s")


def listening(process: subprocess.Popen[bytes], port: int) -> list[int]:
    """Listening sockets on ``port`` each worker holds."""
    return [sum(1 for c in worker.net_connections(kind="tcp") if c.status == psutil.CONN_LISTEN
                and c.laddr.port == port) for worker in workers_of(process)]


def wait_until_all_listen(process: subprocess.Popen[bytes], port: int, workers: int, timeout: float = 60) -> None:
    """Until every worker listens: a connection made before goes to those already listening."""
    deadline = time.monotonic() + timeout
    while listening(process, port) != [1] * workers:
        assert time.monotonic() < deadline, listening(process, port)
        time.sleep(0.1)


def open_connection(port: int) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", port, timeout=10)


def get(connection: http.client.HTTPConnection, path: str) -> int:
    """A request on a kept-alive connection; its status."""
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    return response.status


def workers_of(process: subprocess.Popen[bytes]) -> list[psutil.Process]:
    """The live serving processes under ``tdpf serve`` (not multiprocessing's resource tracker, not one
    that died and is not reaped yet)."""
    workers = []
    for child in psutil.Process(process.pid).children():
        try:
            if "resource_tracker" not in " ".join(child.cmdline()):
                workers.append(child)
        except (psutil.ZombieProcess, psutil.NoSuchProcess):
            pass
    return workers


def connections_by_worker(process: subprocess.Popen[bytes], port: int) -> dict[int, int]:
    """Established connections to ``port`` each worker holds."""
    return {worker.pid: sum(1 for c in worker.net_connections(kind="tcp")
                            if c.status == psutil.CONN_ESTABLISHED and c.laddr.port == port)
            for worker in workers_of(process)}


def test_each_worker_listens_and_connections_spread_over_them(tmp_path: Path) -> None:
    with serving(tmp_path, "--workers", "2") as (process, port):
        wait_until_serving(process, port)
        wait_until_all_listen(process, port, 2)  # a socket each, not one shared from the parent
        with ExitStack() as stack:
            connections = [stack.enter_context(closing(open_connection(port))) for _ in range(CONNECTIONS)]
            assert all(get(c, "/api/v1/datasets") == 200 for c in connections)
            spread = connections_by_worker(process, port)
            assert len(spread) == 2
            assert sum(spread.values()) >= CONNECTIONS and all(spread.values()), spread
        process.send_signal(signal.SIGTERM)
        assert process.wait(20) == 0
        assert not psutil.pid_exists(process.pid)


def test_a_worker_that_dies_is_replaced(tmp_path: Path) -> None:
    with serving(tmp_path, "--workers", "2") as (process, port):
        wait_until_serving(process, port)
        first = sorted(w.pid for w in workers_of(process))
        os.kill(first[0], signal.SIGKILL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            now = sorted(w.pid for w in workers_of(process))
            if len(now) == 2 and first[0] not in now:
                break
            time.sleep(0.2)
        assert len(now) == 2 and first[0] not in now and first[1] in now
        for _ in range(CONNECTIONS):  # whichever socket the kernel picks answers
            with closing(open_connection(port)) as connection:
                assert get(connection, "/healthz") == 200
        assert b"exited with status -9; starting another" in _stop_and_read(process)


def test_a_worker_that_cannot_start_stops_the_server_with_its_reason(tmp_path: Path) -> None:
    with serving(tmp_path, "--workers", "2", env={"TDPF_API_MAX_PAGE_SIZE": "0"}) as (process, _):
        assert process.wait(60) == 1
        output = process.stdout.read() if process.stdout else b""
        assert b"api_max_page_size" in output and b"before it could serve; stopping" in output


def test_a_port_in_use_is_refused_before_any_worker_starts(tmp_path: Path) -> None:
    with closing(socket.socket()) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        child_env = {k: v for k, v in os.environ.items() if not k.startswith("TDPF_")}
        result = subprocess.run([TDPF, "serve", "--port", str(port), "--workers", "2"], capture_output=True,
                                text=True, timeout=60, env={**child_env, "TDPF_HOME": str(tmp_path)})
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}: Address already in use" in result.stderr


def _stop_and_read(process: subprocess.Popen[bytes]) -> bytes:
    process.send_signal(signal.SIGTERM)
    process.wait(20)
    return process.stdout.read() if process.stdout else b""


@pytest.mark.parametrize("workers", ["0", "65"])
def test_the_worker_count_is_bounded(tmp_path: Path, workers: str) -> None:
    result = subprocess.run([TDPF, "serve", "--workers", workers], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "TDPF_HOME": str(tmp_path)})
    assert result.returncode == 2 and "--workers" in result.stderr
