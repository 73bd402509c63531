"""Run the API: one uvicorn process, or several that each listen on the same port themselves.

Why not ``uvicorn --workers``: its workers share one listening socket, and whichever worker wakes
first accepts every waiting connection. Clients that keep their connections open (browsers, HTTP
libraries, load generators) then all talk to one worker while the others idle — measured with
8 keep-alive clients: 8.3 CPU seconds on one worker, 0.04 on the other. Here each worker binds
its own socket with ``SO_REUSEPORT``, and the kernel spreads new connections over the sockets.

The parent only supervises: it checks the port is free before starting anyone (a port already
held by another ``SO_REUSEPORT`` server would otherwise be silently shared), restarts a worker
that dies, stops them all on SIGINT or SIGTERM, and gives up when a worker exits by itself before
it could serve (bad settings, a broken data directory): restarting would only fail again, in a
loop. A worker killed by a signal (the OOM killer, an operator) is replaced, starting or not.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import socket
import sys
import time
from dataclasses import dataclass
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from multiprocessing.synchronize import Event
from types import FrameType
from typing import Any

from catalog_api.settings import usable_cores

APP = "catalog_api.app:create_app"
QUERY_THREADS = "TDPF_API_QUERY_THREADS"
#: How long stopping workers get before they are killed.
STOP_SECONDS = 10.0


class PortInUse(RuntimeError):
    """Something else listens on the port."""


def serve(host: str, port: int, workers: int = 1, log_level: str = "info", access_log: bool = True) -> int:
    """Serve until stopped; the exit status (0 after a requested stop)."""
    import uvicorn

    if workers <= 1:
        uvicorn.run(APP, factory=True, host=host, port=port, log_level=log_level, access_log=access_log)
        return 0
    if not hasattr(socket, "SO_REUSEPORT"):
        raise RuntimeError("several workers need SO_REUSEPORT (Linux, BSD, macOS); use --workers 1 here")
    port = free_port_check(host, port)
    # the cores shared out, unless set: threads beyond them only compete with the other workers
    os.environ.setdefault(QUERY_THREADS, str(max(1, usable_cores() // workers)))
    return _Supervisor(host, port, workers, log_level, access_log).run()


def free_port_check(host: str, port: int) -> int:
    """``port`` (or, for 0, a free one) after checking nothing listens there; ``PortInUse`` otherwise."""
    with socket.socket(_family(host), socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn: TIME_WAIT is no conflict
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise PortInUse(f"cannot listen on {host}:{port}: {exc.strerror}") from None
        return int(probe.getsockname()[1])


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket of this worker's own on the shared port (``SO_REUSEPORT``), listening."""
    sock = socket.socket(_family(host), socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def _worker(host: str, port: int, log_level: str, access_log: bool, serving: Event) -> None:
    """One worker process: its own socket, one uvicorn server (which stops on SIGINT/SIGTERM)."""
    import uvicorn

    class Server(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets)
            if self.started:
                serving.set()

    sock = listening_socket(host, port)
    config = uvicorn.Config(APP, factory=True, log_level=log_level, access_log=access_log)
    try:
        Server(config).run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn raises Ctrl-C again once it has shut down gracefully
        pass


@dataclass
class _Worker:
    process: BaseProcess
    serving: Event


class _Supervisor:
    def __init__(self, host: str, port: int, workers: int, log_level: str, access_log: bool) -> None:
        self.args = (host, port, log_level, access_log)
        self.count = workers
        self.context = multiprocessing.get_context("spawn")  # no copy of the parent's threads or locks
        self.workers: dict[int, _Worker] = {}
        self.stopping = False
        self.signal: int | None = None
        self.status = 0

    def run(self) -> int:
        previous = {s: signal.signal(s, self._stop) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            for slot in range(self.count):
                self._start(slot)
            while self.workers and not self.stopping:
                sentinels = {worker.process.sentinel: slot for slot, worker in self.workers.items()}
                for ready in wait(list(sentinels), timeout=1.0):
                    if not self.stopping:
                        self._died(sentinels[ready])  # type: ignore[index]
        finally:
            self._stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return self.status

    def _start(self, slot: int) -> None:
        serving = self.context.Event()
        process = self.context.Process(target=_worker, args=(*self.args, serving), name=f"tdpf-api-worker-{slot}")
        process.start()
        self.workers[slot] = _Worker(process, serving)

    def _died(self, slot: int) -> None:
        worker = self.workers.pop(slot)
        process = worker.process
        process.join()
        if not worker.serving.is_set() and (process.exitcode or 0) >= 0:  # it gave up, nobody killed it
            print(f"API worker {slot} (pid {process.pid}) exited with status {process.exitcode} before it could "
                  "serve; stopping", file=sys.stderr, flush=True)
            self.status = 1
            self.stopping = True
            return
        print(f"API worker {slot} (pid {process.pid}) exited with status {process.exitcode}; starting another",
              file=sys.stderr, flush=True)
        self._start(slot)

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True
        self.signal = signum

    def _stop_all(self) -> None:
        # Ctrl-C reaches the whole process group, the workers included; sending them another signal
        # would turn uvicorn's graceful stop into a forced one. Anything else is passed on.
        if self.signal != signal.SIGINT:
            for worker in self.workers.values():
                if worker.process.is_alive() and worker.process.pid is not None:
                    os.kill(worker.process.pid, signal.SIGTERM)  # uvicorn's graceful shutdown
        deadline = time.monotonic() + STOP_SECONDS
        for process in (worker.process for worker in self.workers.values()):
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
        self.workers.clear()
