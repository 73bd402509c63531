"""Clean after a crash: one build at a time per data directory, and what dead builds left behind, swept.

Why: a build killed by ``kill -9``, an out-of-memory kill or a power cut cannot clean up after
itself. Its releases are safe (the release store publishes by rename), but it leaves scratch
folders, staged gate results and DuckDB spill files under the data directory, and its Dagster
runs stay ``STARTED`` for ever, so the UI shows a phantom running run. So every ``tdpf build``
first takes the data directory's build lock (DuckDB allows one writer anyway; a second build
is told who holds it), then marks failed each run whose process is gone, and — when no run is
alive — empties the scratch folders. Each run ``tdpf build`` makes is tagged with its process id,
which is how a dead one is recognised; runs launched elsewhere (the Dagster UI) are left to
Dagster's own run monitoring.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import dagster as dg

from pipelines.paths import DataHome

PID_TAG = "tdpf/pid"
LOCK_FILE = ".build.lock"
_LIVE = [dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.CANCELING]


class BuildLocked(RuntimeError):
    """Another build holds the data directory."""


@dataclass
class SweepReport:
    """What a sweep found: runs marked failed, scratch entries removed."""

    failed_runs: list[str] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)

    def describe(self) -> str:
        parts = []
        if self.failed_runs:
            parts.append(f"{len(self.failed_runs)} run(s) of a killed build marked failed")
        if self.removed:
            parts.append(f"{len(self.removed)} leftover scratch entr{'y' if len(self.removed) == 1 else 'ies'} removed")
        return "; ".join(parts)


@contextmanager
def build_lock(home: DataHome) -> Iterator[None]:
    """Hold the data directory's build lock for the block; ``BuildLocked`` names the holder if taken."""
    path = home.root / LOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    handle: IO[str] = path.open("a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise BuildLocked(f"{home.root}: another build is running (pid {holder}); wait for it to end") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()  # closing releases the lock; a killed process releases it too


def run_tags() -> dict[str, str]:
    """Tags of every run ``tdpf build`` makes: which process runs it."""
    return {PID_TAG: str(os.getpid())}


def sweep(home: DataHome, instance: dg.DagsterInstance) -> SweepReport:
    """Mark the runs of dead builds failed; empty the scratch folders when no run is alive (hold the lock)."""
    report = SweepReport()
    alive = False
    for record in instance.get_run_records(filters=dg.RunsFilter(statuses=_LIVE)):
        run = record.dagster_run
        pid = run.tags.get(PID_TAG)
        if pid is not None and not _is_running(int(pid)):
            instance.report_run_failed(run, f"the process that ran it (pid {pid}) is gone — killed or crashed; "
                                            "marked failed by the next tdpf build")
            report.failed_runs.append(run.run_id)
        else:
            alive = True  # running here, or launched elsewhere and left to Dagster's run monitoring
    if not alive:
        report.removed = _empty(scratch_folders(home))
    return report


def scratch_folders(home: DataHome) -> list[Path]:
    """Where builds keep temporary files: the data directory's tmp/ and DuckDB's spill folder."""
    return [home.tmp, home.spill]


def _empty(folders: list[Path]) -> list[Path]:
    removed = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for entry in sorted(folder.iterdir()):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed.append(entry)
    return removed


def _is_running(pid: int) -> bool:
    """Whether ``pid`` is a live process that is a tdpf build (a reused pid is someone else's)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True
    return b"tdpf" in command or b"pytest" in command
