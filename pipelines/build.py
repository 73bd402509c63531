"""A build as Dagster runs: only what changed, in job order; what `tdpf build`, the schedule and the sensors run.

The planner (``pipelines/changes.py``) says which assets and partitions must run; here they
become runs of the build's jobs (``pipelines/defs/jobs.py``), in order, each a subset of its job:
the changed unpartitioned assets, the changed publishers and days (contiguous partitions share a
run: a single-run backfill), publication of exactly the datasets whose model ran, then the CKAN
sync. A failed run stops the build: nothing after it runs, so nothing more is published — but
the CKAN sync, which mirrors what is published, still runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import dagster as dg

from pipelines.changes import History, Inputs, Plan, plan_build
from pipelines.dbt_manifest import load_manifest
from pipelines.defs.jobs import BUILD_JOBS, DAILY_JOB, PUBLISH_JOB, REGISTERS_JOB, RUN_AFTER_FAILURE
from pipelines.paths import DataHome
from pipelines.sweep import run_tags

RANGE_START = "dagster/asset_partition_range_start"
RANGE_END = "dagster/asset_partition_range_end"


@dataclass(frozen=True)
class RunSpec:
    """One run of a build: a job, the subset of it to run, and its partition range (if any)."""

    job: str
    assets: frozenset[dg.AssetKey]
    checks: frozenset[dg.AssetCheckKey]
    partitions: tuple[str, ...] = ()

    @property
    def tags(self) -> dict[str, str]:
        if not self.partitions:
            return {}
        return {RANGE_START: self.partitions[0], RANGE_END: self.partitions[-1]}

    def describe(self) -> str:
        where = ""
        if self.partitions:
            first, last = self.partitions[0], self.partitions[-1]
            where = f" [{first}]" if first == last else f" [{first} … {last}, {len(self.partitions)}]"
        return f"{self.job}{where}: {len(self.assets)} assets, {len(self.checks)} checks"


def plan_for(home: DataHome, defs: dg.Definitions, instance: dg.DagsterInstance,
             full: bool = False, embed: bool = True, inputs: Inputs | None = None) -> tuple[Plan, list[RunSpec]]:
    """What a build of ``home`` must run now: the one entry point of the CLI, the schedule and the sensors.

    ``embed`` puts the embedded default into empty landing folders first (what a build does;
    the sensors only look). ``inputs``, when the caller already read them, are not read again.
    """
    from pipelines.defs.quality import release_gates
    from pipelines.settled import current_inputs_for

    inputs = inputs or current_inputs_for(home, embed=embed)
    if inputs is None:
        raise FileNotFoundError(f"{home.dbt_target / 'manifest.json'}: the dbt project is not parsed yet")
    return plan_runs(defs, instance, inputs, release_gates(load_manifest(home.dbt_target / "manifest.json")), full=full)


def plan_runs(defs: dg.Definitions, instance: dg.DagsterInstance, inputs: Inputs,
              gates: Mapping[dg.AssetKey, tuple[dg.AssetCheckKey, str]], full: bool = False) -> tuple[Plan, list[RunSpec]]:
    """What must run (the plan) and the runs that do it, in order."""
    asset_graph = defs.resolve_asset_graph()
    plan = plan_build(asset_graph, History(instance), inputs, gates, full=full)
    return plan, runs_for(defs, plan, gates)


def runs_for(defs: dg.Definitions, plan: Plan, gates: Mapping[dg.AssetKey, tuple[dg.AssetCheckKey, str]]) -> list[RunSpec]:
    """The plan as runs of the build's jobs, in job order."""
    if plan.empty:
        return []
    asset_graph = defs.resolve_asset_graph()
    gate_checks = {key for checks_def in defs.asset_checks or [] for key in checks_def.check_keys}
    membership = {name: set(defs.resolve_job_def(name).asset_layer.selected_asset_keys) for name in BUILD_JOBS}
    planned = plan.assets()
    runs: list[RunSpec] = []
    for name in BUILD_JOBS:
        selected = planned & membership[name]
        if not selected:
            continue
        checks = _checks_for(asset_graph, selected, gate_checks, gates, in_publish=name == PUBLISH_JOB)
        if name in (REGISTERS_JOB, DAILY_JOB):
            partitions_def = asset_graph.get(next(iter(selected))).partitions_def
            order = None if name == DAILY_JOB else list(partitions_def.get_partition_keys())
            runs.extend(_partitioned_runs(name, plan, selected, checks, order))
        else:
            runs.append(RunSpec(name, frozenset(selected), frozenset(checks)))
    return runs


def _checks_for(asset_graph: Any, selected: set[dg.AssetKey], gate_checks: set[dg.AssetCheckKey],
                gates: Mapping[dg.AssetKey, tuple[dg.AssetCheckKey, str]], in_publish: bool) -> set[dg.AssetCheckKey]:
    """The checks of the selected assets; in the publish run also the gates of the releases it runs.

    Gates run only in the publish job (see defs/jobs.py), on models built there or earlier.
    """
    checks = {key for asset in selected for key in asset_graph.get(asset).check_keys if key not in gate_checks}
    if in_publish:
        models = {gates[r][0].asset_key for r in selected if r in gates}
        checks |= {key for key in gate_checks if key.asset_key in models}
    return checks


def _partitioned_runs(job: str, plan: Plan, selected: set[dg.AssetKey], checks: set[dg.AssetCheckKey],
                      order: list[str] | None) -> list[RunSpec]:
    """One run per contiguous range of planned partitions, running what any of them needs.

    ``order`` is the partitions definition's key order (publishers); ``None`` means calendar days.
    A partition of the range that needs fewer assets reloads the others unchanged: cheaper than
    one run (and one process start of every step) per partition.
    """
    by_partition: dict[str, set[dg.AssetKey]] = {}
    for key, partition in plan.nodes:
        if key in selected and partition is not None:
            by_partition.setdefault(partition, set()).add(key)
    runs = []
    for group in partition_ranges(by_partition, order):
        assets = frozenset(set().union(*(by_partition[p] for p in group)))
        runs.append(RunSpec(job, assets, frozenset(c for c in checks if c.asset_key in assets), tuple(group)))
    return runs


def partition_ranges(partitions: Iterable[str], order: list[str] | None) -> list[list[str]]:
    """The partitions as runs of neighbours, in order: each becomes one single-run backfill."""
    position = {key: i for i, key in enumerate(order)} if order is not None else None
    groups: list[list[str]] = []
    for partition in sorted(partitions, key=position.__getitem__ if position else None):
        if groups and _contiguous(groups[-1][-1], partition, position):
            groups[-1].append(partition)
        else:
            groups.append([partition])
    return groups


def _contiguous(previous: str, partition: str, position: Mapping[str, int] | None) -> bool:
    """Whether ``partition`` follows ``previous`` with nothing between: a partition range covers
    every partition between its ends (every calendar day; every publisher in the registry's order)."""
    if position is None:
        return date.fromisoformat(partition) - date.fromisoformat(previous) == timedelta(days=1)
    return position[partition] == position[previous] + 1


def execute_runs(defs: dg.Definitions, instance: dg.DagsterInstance, runs: Sequence[RunSpec],
                 logger_defs: Mapping[str, dg.LoggerDefinition] | None = None,
                 run_config: Mapping[str, Any] | None = None,
                 announce: Callable[[int, RunSpec], None] | None = None) -> list[dg.ExecuteInProcessResult]:
    """Run each in order; after a failure only the runs that mirror what is published (the CKAN sync).

    ``announce`` hears of each run as it starts.
    """
    results: list[dg.ExecuteInProcessResult] = []
    for number, spec in enumerate(runs, 1):
        if results and not results[-1].success and spec.job not in RUN_AFTER_FAILURE:
            continue
        if announce:
            announce(number, spec)
        job = defs.resolve_job_def(spec.job).get_subset(
            asset_selection=set(spec.assets), asset_check_selection=set(spec.checks))
        if logger_defs:
            job = job.with_logger_defs(dict(logger_defs))
        result = job.execute_in_process(instance=instance, raise_on_error=False, tags={**spec.tags, **run_tags()},
                                        run_config=dict(run_config or {}))
        results.append(result)
    return results
