"""Compact progress lines for ``tdpf build``, as a Dagster logger.

Dagster's console logger prints every engine event and, for a failed step, the whole stack
of the framework. A person running the build wants one line per step and, on failure, the
message that names the file, line and value; the full events stay in the Dagster UI.
"""

from __future__ import annotations

import logging

import dagster as dg
from rich.console import Console

_console = Console(stderr=True, highlight=False, soft_wrap=True)

_SYMBOLS = {
    "STEP_START": "[cyan]▶[/cyan]",
    "STEP_SUCCESS": "[green]✓[/green]",
    "STEP_FAILURE": "[red]✗[/red]",
    "STEP_SKIPPED": "[yellow]–[/yellow]",
}


class _ProgressHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None)
        if not meta:
            return
        event = meta.get("dagster_event")
        step = meta.get("step_key") or ""
        if event is None:
            message = str(meta.get("orig_message", ""))
            # the CLI lists skipped steps once at the end; Dagster says it per step
            if record.levelno >= logging.INFO and not message.startswith("Dependencies for step"):
                _console.print(f"    [dim]{step}:[/dim] {message}")
            return
        kind = event.event_type_value
        if kind in _SYMBOLS:
            _console.print(f"  {_SYMBOLS[kind]} {step}")
        elif kind == "ASSET_CHECK_EVALUATION":
            data = event.event_specific_data
            if data is not None and not data.passed:
                _console.print(f"    [red]check failed:[/red] {data.asset_key.to_user_string()} {data.check_name}")
        elif kind in ("RUN_SUCCESS", "RUN_FAILURE"):
            _console.print(f"  {'[green]run succeeded' if kind == 'RUN_SUCCESS' else '[red]run failed'}[/]")


@dg.logger(description="One line per step; failures summarised by the tdpf CLI.")
def progress_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    """A logger for ``execute_in_process`` that prints compact progress to stderr."""
    log = logging.getLogger("tdpf.progress")
    log.setLevel(logging.DEBUG)
    log.propagate = False
    if not any(isinstance(h, _ProgressHandler) for h in log.handlers):
        log.addHandler(_ProgressHandler())
    return log
