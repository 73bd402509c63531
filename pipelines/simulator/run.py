"""Run the smart-pole simulator: registers, feed files, fault log and manifest under one folder.

One call is one simulation: the output folder holds exactly that run (the simulator's own
subfolders are replaced, never merged, so a stale late file of an earlier run can never
pose as data). Nothing depends on the clock or on directory listing order, so the same
arguments give byte-identical files.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from pipelines.simulator.faults import FAULT_KINDS, FaultRates, FaultRecord, minute_utc, plan_faults, realise_pole_day
from pipelines.simulator.poles import FEED_FORMATS, POLES, device_register, devices_csv, poles_csv
from pipelines.simulator.signals import MINUTES_PER_DAY, day_context, generate_pole_day
from pipelines.simulator.writers import WRITERS

DEFAULT_SEED = 20231001

#: Subfolders the simulator owns inside its output folder (replaced on every run).
OWNED_DIRS: tuple[str, ...] = ("register", "feeds", "_late", "_simulator")
POLES_REGISTER = "register/poles.csv"
DEVICES_REGISTER = "register/devices.csv"
FAULT_LOG = "_simulator/fault_log.jsonl"
MANIFEST = "_simulator/manifest.json"


@dataclass(frozen=True)
class SimulationSummary:
    """What one simulation wrote; also stored (with relative paths) in ``_simulator/manifest.json``.

    ``files_per_format`` counts every file written, on time or late; ``late_files`` how many
    of them went to ``_late/``. ``readings`` counts metric values generated (before faults);
    ``affected_readings`` those touched by a fault (an upper bound: overlaps count twice).
    """

    out: Path
    start: date
    days: int
    seed: int
    fault_rates: FaultRates
    files_per_format: dict[str, int]
    late_files: int
    readings: int
    affected_readings: int
    faults_per_kind: dict[str, int]
    poles_register: Path
    devices_register: Path
    fault_log: Path
    manifest: Path

    @property
    def end(self) -> date:
        return self.start + timedelta(days=self.days - 1)

    @property
    def files(self) -> int:
        return sum(self.files_per_format.values())

    def manifest_dict(self) -> dict[str, Any]:
        """The manifest: parameters and counts, no absolute paths or clock (byte-stable)."""
        return {
            "generator": "tdpf smart-pole simulator",
            "manifest_version": 1,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "days": self.days,
            "seed": self.seed,
            "fault_rates": self.fault_rates.as_dict(),
            "counts": {
                "poles": len(POLES),
                "files": dict(self.files_per_format),
                "files_total": self.files,
                "late_files": self.late_files,
                "readings": self.readings,
                "affected_readings": self.affected_readings,
                "faults": dict(self.faults_per_kind),
                "faults_total": sum(self.faults_per_kind.values()),
            },
            "paths": {
                "poles_register": POLES_REGISTER,
                "devices_register": DEVICES_REGISTER,
                "fault_log": FAULT_LOG,
                "feeds": "feeds/<format>/<YYYY-MM-DD>/<device_id>.<ext>",
                "late": "_late/<arrival YYYY-MM-DD>/feeds/<format>/<YYYY-MM-DD>/<device_id>.<ext>",
            },
        }


def _prepare(out: Path) -> None:
    """Empty the simulator's own subfolders of ``out``; refuse to clobber foreign files.

    A folder without a manifest but with one of our subfolders was not written by the
    simulator (or a run was interrupted before its manifest): stop rather than delete.
    """
    manifest = out / MANIFEST
    present = [d for d in OWNED_DIRS if (out / d).exists()]
    if present and not manifest.exists():
        raise FileExistsError(
            f"{out} already holds {', '.join(present)} but no {MANIFEST}: "
            "not a simulator output folder (or an interrupted run); remove it or choose another --out"
        )
    for d in present:
        shutil.rmtree(out / d)
    out.mkdir(parents=True, exist_ok=True)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def simulate(
    start: date,
    days: int,
    out: Path,
    seed: int = DEFAULT_SEED,
    fault_rates: FaultRates | None = None,
    *,
    on_day: Callable[[date], None] | None = None,
) -> SimulationSummary:
    """Simulate ``days`` JST days of all 29 poles from ``start`` into ``out``.

    Same arguments, same bytes. A day's readings (and its file faults) do not depend on
    the window; the window only decides the firmware updates, the device replacement and
    the faults forced to guarantee every kind. ``on_day`` is called after each day is
    written (the CLI's progress bar).
    """
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    rates = fault_rates if fault_rates is not None else FaultRates()
    out = Path(out)
    _prepare(out)
    plan = plan_faults(POLES, start, days, seed, rates)

    replacements = {
        POLES[r.pole_index - 1].pole_id: minute_utc(r.day, r.minute) for r in plan.replacements.values()
    }
    _write(out / POLES_REGISTER, poles_csv().encode("utf-8"))
    _write(out / DEVICES_REGISTER, devices_csv(device_register(replacements)).encode("utf-8"))

    files_per_format = {f: 0 for f in FEED_FORMATS}
    late_files = readings = 0
    records: list[FaultRecord] = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        ctx = day_context(seed, day)
        for pole in POLES:
            values = generate_pole_day(pole, ctx, seed)
            readings += len(values) * MINUTES_PER_DAY
            files, day_records = realise_pole_day(pole, day, values, plan)
            for planned in files:
                _write(out / planned.path, WRITERS[pole.feed_format](planned.frame))
                files_per_format[pole.feed_format] += 1
                late_files += planned.late
            records.extend(day_records)
        if on_day is not None:
            on_day(day)

    records.sort(key=FaultRecord.sort_key)
    lines = [
        json.dumps(r.as_log_line(f"F{i:05d}"), ensure_ascii=False) + "\n" for i, r in enumerate(records, start=1)
    ]
    _write(out / FAULT_LOG, "".join(lines).encode("utf-8"))
    faults_per_kind = {k: sum(r.kind == k for r in records) for k in FAULT_KINDS}

    summary = SimulationSummary(
        out=out, start=start, days=days, seed=seed, fault_rates=rates,
        files_per_format=files_per_format, late_files=late_files, readings=readings,
        affected_readings=sum(r.affected_readings for r in records), faults_per_kind=faults_per_kind,
        poles_register=out / POLES_REGISTER, devices_register=out / DEVICES_REGISTER,
        fault_log=out / FAULT_LOG, manifest=out / MANIFEST,
    )
    _write(out / MANIFEST, (json.dumps(summary.manifest_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return summary
