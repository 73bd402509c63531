"""Fault injection with a ground-truth log: what a real feed does wrong, on purpose.

Ingestion code is only as good as the faults it has met. Each kind here is one that real
IoT feeds produce (gaps, retransmissions, frozen sensors, glitches, late uploads, a clock
set to UTC, a firmware update that changes units, a swapped device); each is injected at a
configurable rate and every injection is written to the fault log, so a test can
reconcile what the pipeline detected against what was really done.

Two scopes, so that a day's files do not depend on the simulated window:

* **file faults** (missing interval, duplicates, stuck sensor, spikes, late file, time
  zone mix-up) are decided per pole and day from ``(seed, pole, day, kind)`` generators;
* **window faults** (unit change, device replacement) last "until the end of the
  simulation" and so belong to the window; so do the faults *forced* to guarantee that
  every kind occurs at least once (marked ``"forced": true`` in the log).

Planning happens before any reading is generated (:func:`plan_faults`); applying a plan
to one pole-day's readings (:func:`realise_pole_day`) yields the files to write and their
fault-log records.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np

from pipelines.simulator.poles import FORMAT_EXTENSION, Pole, utc_iso
from pipelines.simulator.signals import CANONICAL_UNIT, DECIMALS, JST, MINUTES_PER_DAY, pole_metrics, round_metric
from pipelines.simulator.writers import ALTERNATE_UNIT, UNIT_CODE, FileFrame, day_clock

#: Fault kinds in log order.
FAULT_KINDS: tuple[str, ...] = (
    "missing_interval", "duplicate_message", "stuck_sensor", "spike",
    "late_file", "timezone_mixup", "unit_change", "device_replaced",
)
_KIND_NO = {k: i + 1 for i, k in enumerate(FAULT_KINDS)}
_FILE_KINDS = FAULT_KINDS[:6]

# Seed stream tags: pole-day fault streams are [seed, pole, ordinal, _FAULT, kind(, 2 if forced)],
# window streams [seed, _WINDOW, start ordinal, days, kind]. All tags are non-zero because
# numpy's SeedSequence ignores trailing zeros.
_FAULT = 7
_FORCED = 2
_WINDOW = 2000

#: Metrics a stuck sensor may freeze: continuous ones, where a repeat cannot be natural.
STUCK_METRICS: tuple[str, ...] = ("temperature", "humidity", "pressure", "noise", "pm25")

#: Physically implausible replacement values per metric (canonical units).
SPIKE_VALUES: dict[str, tuple[float, ...]] = {
    "temperature": (85.0, -45.0),
    "humidity": (180.0, -20.0),
    "pressure": (1500.0, 0.0),
    "illuminance": (500000.0,),
    "noise": (160.0,),
    "pm25": (2000.0, 999.9),
    "people_northbound": (999.0,),
    "people_southbound": (999.0,),
    "wifi_connections": (65535.0,),
}

#: Replacements happen in working hours (JST minute range).
_REPLACEMENT_MINUTES = (9 * 60, 17 * 60)


@dataclass(frozen=True)
class FaultRates:
    """How often each fault is injected.

    File faults are probabilities per pole and day (a pole-day normally is one file);
    ``timezone_mixup`` applies to ``csv_sjis`` pole-days only. ``unit_change`` is the
    probability per ``ngsi_v2``/``jsonl`` pole and day that a firmware update happens that
    day (at most one per pole and simulation). ``device_replaced`` is a count per
    simulation (needs two days or more). With ``guarantee_every_kind`` a kind with a
    non-zero rate that chance left out of the window is forced once.

    The defaults give a handful of every kind over 3 days × 29 poles and touch well under
    5 % of the readings (``SimulationSummary.affected_readings`` reports the share).
    """

    missing_interval: float = 0.03
    duplicate_message: float = 0.04
    stuck_sensor: float = 0.03
    spike: float = 0.04
    late_file: float = 0.02
    timezone_mixup: float = 0.04
    unit_change: float = 0.005
    device_replaced: int = 1
    guarantee_every_kind: bool = True

    def __post_init__(self) -> None:
        for name in _FILE_KINDS + ("unit_change",):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"fault rate {name} must be between 0 and 1, got {value}")
        if self.device_replaced < 0:
            raise ValueError(f"device_replaced must be a count ≥ 0, got {self.device_replaced}")

    @classmethod
    def none(cls) -> "FaultRates":
        """No faults at all: clean feeds (and the test of day-by-day determinism)."""
        return cls(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0, False)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- Plans ------------------------------------------------------------------------------

@dataclass
class PoleDayFaults:
    """The file faults of one pole and day, on its JST minute grid (0 = 00:00 JST)."""

    missing: tuple[int, int] | None = None  # first, last minute (inclusive)
    stuck: tuple[str, int, int] | None = None  # metric, first, last
    spikes: list[tuple[str, int, float]] = field(default_factory=list)  # metric, minute, canonical value
    duplicates: list[tuple[int, str | None]] = field(default_factory=list)  # minute, metric (JSONL line) or None
    late_days: int | None = None
    timezone_mixup: bool = False
    forced: set[str] = field(default_factory=set)

    def has(self, kind: str) -> bool:
        return {
            "missing_interval": self.missing is not None, "duplicate_message": bool(self.duplicates),
            "stuck_sensor": self.stuck is not None, "spike": bool(self.spikes),
            "late_file": self.late_days is not None, "timezone_mixup": self.timezone_mixup,
        }[kind]


@dataclass(frozen=True)
class UnitChange:
    """A firmware update: from ``minute`` of ``day`` on, ``metric`` is reported in another unit."""

    pole_index: int
    day: date
    minute: int
    metric: str
    forced: bool


@dataclass(frozen=True)
class Replacement:
    """Device A of a pole replaced by device B at ``minute`` (JST) of ``day``."""

    pole_index: int
    day: date
    minute: int
    forced: bool = False


@dataclass
class FaultPlan:
    """Every fault of one simulated window, decided before any reading is generated."""

    start: date
    days: int
    pole_days: dict[tuple[int, date], PoleDayFaults]
    unit_changes: dict[int, UnitChange]
    replacements: dict[int, Replacement]

    @property
    def end(self) -> date:
        return self.start + timedelta(days=self.days - 1)


def minute_utc(day: date, minute: int) -> datetime:
    """The UTC instant of JST minute ``minute`` of ``day``."""
    return datetime(day.year, day.month, day.day, tzinfo=JST) + timedelta(minutes=minute)


def _pole_day_rng(seed: int, pole: Pole, day: date, kind: str, forced: bool = False) -> np.random.Generator:
    key = [seed, pole.index, day.toordinal(), _FAULT, _KIND_NO[kind]]
    return np.random.default_rng(key + [_FORCED] if forced else key)


def _window_rng(seed: int, start: date, days: int, kind: str) -> np.random.Generator:
    return np.random.default_rng([seed, _WINDOW, start.toordinal(), days, _KIND_NO[kind]])


def _place(rng: np.random.Generator, length: int, blocked: np.ndarray, barriers: tuple[int, ...]) -> int | None:
    """A random start for ``length`` minutes that avoids blocked minutes and never straddles a barrier.

    A barrier is a minute where the file or the unit changes (device replacement, firmware
    update): a range must lie wholly before or from it, so the fault stays in one file and
    a stuck value in one unit.
    """
    csum = np.concatenate([[0], np.cumsum(blocked)])
    starts = np.arange(MINUTES_PER_DAY - length + 1)
    ok = (csum[starts + length] - csum[starts]) == 0
    for b in barriers:
        ok &= ~((starts < b) & (starts + length - 1 >= b))
    candidates = np.flatnonzero(ok)
    if candidates.size == 0:
        return None
    return int(candidates[rng.integers(candidates.size)])


def _blocked(plan: PoleDayFaults, *, duplicates: bool) -> np.ndarray:
    """Minutes already used by a fault of this pole-day, so that no fault hides another.

    A missing interval must not swallow a spike or a duplicate; a stuck range must not
    overwrite a spike; spikes avoid both ranges (duplicates may repeat a spiked message).
    """
    mask = np.zeros(MINUTES_PER_DAY, dtype=bool)
    if plan.missing:
        mask[plan.missing[0]:plan.missing[1] + 1] = True
    if plan.stuck:
        mask[plan.stuck[1]:plan.stuck[2] + 1] = True
    for _, m, _ in plan.spikes:
        mask[m] = True
    if duplicates:
        for m, _ in plan.duplicates:
            mask[m] = True
    return mask


def _add_file_fault(kind: str, rng: np.random.Generator, pole: Pole, plan: PoleDayFaults, barriers: tuple[int, ...]) -> None:
    """Draw the parameters of one fault of ``kind`` and add it to ``plan`` (placement avoids overlaps)."""
    metrics = pole_metrics(pole)
    if kind == "missing_interval":
        length = int(rng.integers(15, 181))
        start = _place(rng, length, _blocked(plan, duplicates=True), barriers)
        if start is not None:
            plan.missing = (start, start + length - 1)
    elif kind == "stuck_sensor":
        candidates = [m for m in STUCK_METRICS if m in metrics]
        metric = candidates[int(rng.integers(len(candidates)))]
        length = int(rng.integers(60, 241))
        start = _place(rng, length, _blocked(plan, duplicates=False), barriers)
        if start is not None:
            plan.stuck = (metric, start, start + length - 1)
    elif kind == "spike":
        free = np.flatnonzero(~_blocked(plan, duplicates=False))
        count = int(rng.integers(1, 4))
        for minute in sorted(rng.choice(free, size=count, replace=False).tolist()):
            metric = metrics[int(rng.integers(len(metrics)))]
            choices = SPIKE_VALUES[metric]
            plan.spikes.append((metric, int(minute), choices[int(rng.integers(len(choices)))]))
    elif kind == "duplicate_message":
        mask = np.zeros(MINUTES_PER_DAY, dtype=bool)
        if plan.missing:
            mask[plan.missing[0]:plan.missing[1] + 1] = True
        free = np.flatnonzero(~mask)
        count = int(rng.integers(1, 6))
        for minute in sorted(rng.choice(free, size=count, replace=False).tolist()):
            metric = metrics[int(rng.integers(len(metrics)))] if pole.feed_format == "jsonl" else None
            plan.duplicates.append((int(minute), metric))
    elif kind == "late_file":
        plan.late_days = int(rng.integers(2, 6))
    elif kind == "timezone_mixup":
        plan.timezone_mixup = True
    else:  # pragma: no cover - programming error
        raise ValueError(kind)


def _eligible(kind: str, pole: Pole) -> bool:
    if kind == "timezone_mixup":
        return pole.feed_format == "csv_sjis"
    if kind == "unit_change":
        return pole.feed_format in ("ngsi_v2", "jsonl")
    return True


def plan_faults(poles: tuple[Pole, ...], start: date, days: int, seed: int, rates: FaultRates) -> FaultPlan:
    """Decide every fault of the window ``start`` … ``start + days - 1``.

    Order matters and is fixed: firmware updates first (they set barriers), then the device
    replacement (on a pole without a firmware update), then the file faults of each pole-day
    in kind order, then forced faults for kinds chance left out.
    """
    window = [start + timedelta(days=i) for i in range(days)]

    # Firmware updates: a per pole-day draw; the first update of a pole wins.
    unit_changes: dict[int, UnitChange] = {}
    for pole in poles:
        if not _eligible("unit_change", pole):
            continue
        for day in window:
            rng = _pole_day_rng(seed, pole, day, "unit_change")
            if rng.random() < rates.unit_change and pole.index not in unit_changes:
                minute = int(rng.integers(MINUTES_PER_DAY))
                metric = "pressure" if pole.has("pressure") and rng.random() < 0.5 else "temperature"
                unit_changes[pole.index] = UnitChange(pole.index, day, minute, metric, forced=False)
    if rates.guarantee_every_kind and rates.unit_change > 0 and not unit_changes:
        rng = _window_rng(seed, start, days, "unit_change")
        eligible = [p for p in poles if _eligible("unit_change", p)]
        pole = eligible[int(rng.integers(len(eligible)))]
        day = window[int(rng.integers(days))]
        minute = int(rng.integers(MINUTES_PER_DAY))
        metric = "pressure" if pole.has("pressure") and rng.random() < 0.5 else "temperature"
        unit_changes[pole.index] = UnitChange(pole.index, day, minute, metric, forced=True)

    # Device replacements: a window fault by nature (the register changes for good).
    replacements: dict[int, Replacement] = {}
    if days >= 2 and rates.device_replaced > 0:
        rng = _window_rng(seed, start, days, "device_replaced")
        candidates = [p.index for p in poles if p.index not in unit_changes] or [p.index for p in poles]
        count = min(rates.device_replaced, len(candidates))
        for index in sorted(rng.choice(candidates, size=count, replace=False).tolist()):
            day = window[int(rng.integers(1, days))]
            minute = int(rng.integers(*_REPLACEMENT_MINUTES))
            replacements[index] = Replacement(index, day, minute)

    def barriers(pole: Pole, day: date) -> tuple[int, ...]:
        out = []
        if (r := replacements.get(pole.index)) and r.day == day:
            out.append(r.minute)
        if (u := unit_changes.get(pole.index)) and u.day == day:
            out.append(u.minute)
        return tuple(sorted(out))

    rate_of = {k: getattr(rates, k) for k in _FILE_KINDS}
    pole_days: dict[tuple[int, date], PoleDayFaults] = {}
    for day in window:
        for pole in poles:
            plan = PoleDayFaults()
            for kind in _FILE_KINDS:
                if not _eligible(kind, pole):
                    continue
                rng = _pole_day_rng(seed, pole, day, kind)
                if rng.random() < rate_of[kind]:
                    _add_file_fault(kind, rng, pole, plan, barriers(pole, day))
            pole_days[(pole.index, day)] = plan

    if rates.guarantee_every_kind:
        for kind in _FILE_KINDS:
            if rate_of[kind] <= 0 or any(p.has(kind) for p in pole_days.values()):
                continue
            rng = _window_rng(seed, start, days, kind)
            eligible = [(p, d) for d in window for p in poles if _eligible(kind, p)]
            pole, day = eligible[int(rng.integers(len(eligible)))]
            plan = pole_days[(pole.index, day)]
            _add_file_fault(kind, _pole_day_rng(seed, pole, day, kind, forced=True), pole, plan, barriers(pole, day))
            plan.forced.add(kind)

    return FaultPlan(start, days, pole_days, unit_changes, replacements)


# --- Applying a plan ---------------------------------------------------------------------

@dataclass(frozen=True)
class FaultRecord:
    """One line of the fault log (``fault_id`` is given when the log is written, in log order)."""

    kind: str
    pole_id: str
    device_id: str
    format: str
    day: date
    file: str
    start_utc: str | None
    end_utc: str | None
    metric: str | None
    detail: dict[str, Any]
    affected_readings: int

    def sort_key(self) -> tuple:
        return (self.day, self.pole_id, self.file, _KIND_NO[self.kind], self.start_utc or "", self.metric or "")

    def as_log_line(self, fault_id: str) -> dict[str, Any]:
        return {
            "fault_id": fault_id, "kind": self.kind, "pole_id": self.pole_id, "device_id": self.device_id,
            "format": self.format, "day": self.day.isoformat(), "file": self.file,
            "start_utc": self.start_utc, "end_utc": self.end_utc, "metric": self.metric, "detail": self.detail,
        }


@dataclass(frozen=True)
class PlannedFile:
    """A file to write: its frame, and where it lands (``feeds/…`` or ``_late/<arrival>/feeds/…``)."""

    frame: FileFrame
    path: str
    late: bool


def _unit(metric: str, minute: int, alternate_from: dict[str, int]) -> str:
    switch = alternate_from.get(metric)
    return ALTERNATE_UNIT[metric][0] if switch is not None and minute >= switch else CANONICAL_UNIT[metric]


def _number(value: float, metric: str, unit: str) -> float | int:
    """A value as the log states it: an int for integer metrics, else a float."""
    return int(value) if DECIMALS[metric] == 0 and unit == CANONICAL_UNIT[metric] else float(value)


def realise_pole_day(
    pole: Pole, day: date, readings: dict[str, np.ndarray], plan: FaultPlan
) -> tuple[list[PlannedFile], list[FaultRecord]]:
    """Apply the plan to one pole-day's canonical readings: the files to write and their log records."""
    faults = plan.pole_days.get((pole.index, day), PoleDayFaults())
    metrics = tuple(readings)
    clock = day_clock(day)
    values = {m: v.copy() for m, v in readings.items()}
    forced = faults.forced

    # Value faults, in canonical units: stuck first, then spikes (never inside a stuck range).
    if faults.stuck:
        metric, first, last = faults.stuck
        values[metric][first:last + 1] = values[metric][first]
    originals = {(metric, minute): float(values[metric][minute]) for metric, minute, _ in faults.spikes}
    for metric, minute, spike in faults.spikes:
        values[metric][minute] = spike

    # Firmware update: convert from its minute (or from 00:00 on the days after it).
    alternate_from: dict[str, int] = {}
    change = plan.unit_changes.get(pole.index)
    if change and change.day <= day and change.metric in metrics:
        switch = change.minute if change.day == day else 0
        alt_unit, alt_decimals, convert = ALTERNATE_UNIT[change.metric]
        series = values[change.metric]
        series[switch:] = round_metric(convert(series[switch:]), alt_decimals)
        alternate_from[change.metric] = switch

    def written(metric: str, minute: int, value: float) -> float:
        if _unit(metric, minute, alternate_from) == CANONICAL_UNIT[metric]:
            return value
        alt_unit, alt_decimals, convert = ALTERNATE_UNIT[metric]
        return float(round_metric(convert(np.array([value])), alt_decimals)[0])

    # Which device speaks for which minutes of the day.
    rep = plan.replacements.get(pole.index)
    if rep and rep.day == day:
        segments = [(pole.device_id("A"), 0, rep.minute - 1), (pole.device_id("B"), rep.minute, MINUTES_PER_DAY - 1)]
    elif rep and rep.day < day:
        segments = [(pole.device_id("B"), 0, MINUTES_PER_DAY - 1)]
    else:
        segments = [(pole.device_id("A"), 0, MINUTES_PER_DAY - 1)]

    missing = np.zeros(MINUTES_PER_DAY, dtype=bool)
    if faults.missing:
        missing[faults.missing[0]:faults.missing[1] + 1] = True

    files: list[PlannedFile] = []
    records: list[FaultRecord] = []
    n = len(metrics)
    for device_id, first, last in segments:
        minutes = np.arange(first, last + 1)
        kept = minutes[~missing[first:last + 1]]
        dups = frozenset((m, metric) for m, metric in faults.duplicates if first <= m <= last)
        frame = FileFrame(
            device_id=device_id, day=day, feed_format=pole.feed_format, metrics=metrics, values=values,
            minutes=kept, duplicates=dups, alternate_from=alternate_from,
            utc_timestamps=faults.timezone_mixup,
        )
        path = frame.feed_path
        late_path = None
        if faults.late_days is not None:
            arrival = day + timedelta(days=faults.late_days)
            late_path = f"_late/{arrival.isoformat()}/{path}"
        files.append(PlannedFile(frame, late_path or path, late_path is not None))

        def record(kind: str, start: int | None, end: int | None, metric: str | None,
                   detail: dict[str, Any], affected: int, forced_kind: bool | None = None) -> None:
            is_forced = (kind in forced) if forced_kind is None else forced_kind
            records.append(FaultRecord(
                kind=kind, pole_id=pole.pole_id, device_id=device_id, format=pole.feed_format, day=day,
                file=path, start_utc=None if start is None else clock.utc_iso[start],
                end_utc=None if end is None else clock.utc_iso[end], metric=metric,
                detail={**detail, "forced": is_forced}, affected_readings=affected,
            ))

        if faults.missing and first <= faults.missing[0] <= last:
            a, b = faults.missing
            dropped_messages = (b - a + 1) * (n if pole.feed_format == "jsonl" else 1)
            record("missing_interval", a, b, None,
                   {"minutes": b - a + 1, "messages_dropped": dropped_messages}, (b - a + 1) * n)
        if dups:
            ordered = sorted(dups, key=lambda d: (d[0], d[1] or ""))
            record("duplicate_message", ordered[0][0], ordered[-1][0], None, {
                "duplicated_messages": len(ordered),
                "messages": [{"utc": clock.utc_iso[m], "metric": metric} for m, metric in ordered],
            }, sum(n if metric is None else 1 for _, metric in ordered))
        if faults.stuck and first <= faults.stuck[1] <= last:
            metric, a, b = faults.stuck
            unit = _unit(metric, a, alternate_from)
            record("stuck_sensor", a, b, metric, {
                "value": _number(values[metric][a], metric, unit), "unit": unit, "minutes": b - a + 1,
            }, b - a + 1)
        for metric, minute, _ in faults.spikes:
            if first <= minute <= last:
                unit = _unit(metric, minute, alternate_from)
                record("spike", minute, minute, metric, {
                    "value": _number(values[metric][minute], metric, unit), "unit": unit,
                    "original_value": _number(written(metric, minute, originals[(metric, minute)]), metric, unit),
                }, 1)
        if late_path is not None:
            record("late_file", first, last, None, {
                "arrival_day": late_path.split("/")[1], "delay_days": faults.late_days, "path": late_path,
            }, kept.size * n)
        if faults.timezone_mixup:
            record("timezone_mixup", first, last, None, {
                "written_zone": "UTC", "expected_zone": "Asia/Tokyo (+09:00)", "shift_hours": -9,
                "first_timestamp_written": clock.utc_csv[int(kept[0])],
            }, kept.size * n)
        for metric, switch in alternate_from.items():
            if switch <= last:
                a = max(switch, first)
                alt_unit = ALTERNATE_UNIT[metric][0]
                record("unit_change", a, last, metric, {
                    "from_unit": CANONICAL_UNIT[metric], "to_unit": alt_unit,
                    "from_unit_code": UNIT_CODE[CANONICAL_UNIT[metric]], "to_unit_code": UNIT_CODE[alt_unit],
                    "firmware_update_utc": utc_iso(minute_utc(change.day, change.minute)),
                }, int(np.count_nonzero(kept >= a)), forced_kind=change.forced)
        if rep and rep.day == day and device_id == pole.device_id("B"):
            old_path = f"feeds/{pole.feed_format}/{day.isoformat()}/{pole.device_id('A')}.{FORMAT_EXTENSION[pole.feed_format]}"
            record("device_replaced", rep.minute, None, None, {
                "old_device_id": pole.device_id("A"), "new_device_id": pole.device_id("B"),
                "old_file": old_path, "replaced_at_utc": clock.utc_iso[rep.minute],
            }, 0, forced_kind=rep.forced)
    return files, records
