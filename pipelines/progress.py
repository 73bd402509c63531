"""Progress a person can follow for ``tdpf build``: one line per step with its time, then a summary;
every detail in a log file whose path is printed.

Dagster's console logger prints every engine event and, for a failed step, the whole stack of the
framework; dagster-dbt echoes every line dbt prints (hundreds per build). A person running the
build wants one line per step, the messages that say what is wrong, and a place to look for the
rest. So the console (stderr) gets the steps with their times, warnings and failing checks; the
build log gets every Dagster event and dbt's own output (dagster-dbt writes it to stdout, which
is redirected there while the runs execute). rich prints colours on a terminal only.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO

import dagster as dg
from rich.console import Console
from rich.markup import escape

console = Console(stderr=True, highlight=False, soft_wrap=True)


@dataclass
class Tally:
    """What the steps of a build did, for its summary line."""

    succeeded: int = 0
    failed: int = 0
    skipped: list[str] = field(default_factory=list)
    checks_failed: int = 0
    checks_warned: int = 0


class _State:
    log: TextIO | None = None  # the open build log while runs execute
    tally = Tally()


def new_log_path(logs: Path) -> Path:
    """A fresh build log under ``logs`` (one file per build, named by its UTC start)."""
    return logs / f"build-{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%S%fZ')}.log"


@contextmanager
def build_log(path: Path) -> Iterator[Tally]:
    """For the block, every Dagster event and dbt's echoed output go into ``path``; yields the tally."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _State.tally = Tally()
    with path.open("a", encoding="utf-8") as handle, redirect_stdout(handle):
        _State.log = handle
        try:
            yield _State.tally
        finally:
            _State.log = None


def note(line: str) -> None:
    """Write a plain line into the build log (the planner's reasons, the runs)."""
    if _State.log is not None:
        _State.log.write(line + "\n")
        _State.log.flush()


class _ProgressHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None)
        if not meta:
            return
        step = meta.get("step_key") or ""
        note(f"{time.strftime('%H:%M:%S', time.localtime(record.created))} {record.levelname:7} "
             f"{step or '-'}: {meta.get('orig_message') or record.getMessage()}")
        event = meta.get("dagster_event")
        if event is None:
            if record.levelno >= logging.WARNING:
                console.print(f"    [yellow]![/yellow] [dim]{escape(step)}:[/dim] {escape(str(meta.get('orig_message', '')))}")
            return
        _show(event, step)


def _show(event: Any, step: str) -> None:
    tally, kind = _State.tally, event.event_type_value
    if kind == "STEP_SUCCESS":
        tally.succeeded += 1
        console.print(f"  [green]✓[/green] {escape(step)} [dim]{_seconds(event)}[/dim]")
    elif kind == "STEP_FAILURE":
        tally.failed += 1
        console.print(f"  [red]✗[/red] {escape(step)} [dim]{_seconds(event)}[/dim]")
    elif kind == "STEP_SKIPPED":
        tally.skipped.append(step)
    elif kind == "ASSET_CHECK_EVALUATION":
        data = event.event_specific_data
        if data is None or data.passed:
            return
        if data.severity == dg.AssetCheckSeverity.ERROR:
            tally.checks_failed += 1
            console.print(f"    [red]check failed:[/red] {data.asset_key.to_user_string()} {data.check_name}")
        else:
            tally.checks_warned += 1


def _seconds(event: Any) -> str:
    duration = getattr(event.event_specific_data, "duration_ms", None)
    return f"{duration / 1000:.1f} s" if isinstance(duration, (int, float)) else ""


@dg.logger(description="One line per step on the console; every event in the build log.")
def progress_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    """A logger for ``execute_in_process``: compact progress on stderr, details in the build log."""
    log = logging.getLogger("tdpf.progress")
    log.setLevel(logging.DEBUG)
    log.propagate = False
    if not any(isinstance(h, _ProgressHandler) for h in log.handlers):
        log.addHandler(_ProgressHandler())
    return log
