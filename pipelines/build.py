"""The whole build as Dagster runs: what `tdpf build` does, and what the tests run.

DuckDB takes one writer at a time, and the graph mixes unpartitioned assets with assets
partitioned by JST day, which Dagster runs separately. So a build is three runs, in order:

1. ``tdpf_prepare`` — every unpartitioned asset that does not need the daily data
   (bureau report, registers, unpartitioned dbt models);
2. ``smart_pole_daily`` — the day-partitioned assets, for every day that has feed files,
   as one run over the range (single-run backfill: one vectorised load);
3. ``tdpf_publish`` — everything downstream of the daily data: check verdicts, releases.

A failed run stops the build: nothing after it runs, so nothing is published.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from typing import TYPE_CHECKING

import dagster as dg

if TYPE_CHECKING:
    from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

PREPARE_JOB = "tdpf_prepare"
DAILY_JOB = "smart_pole_daily"
PUBLISH_JOB = "tdpf_publish"


def partitioned_selection(assets: Sequence[dg.AssetsDefinition | dg.AssetSpec]) -> dg.AssetSelection:
    """The assets partitioned by day."""
    keys = [
        key for a in assets if isinstance(a, dg.AssetsDefinition) and a.partitions_def is not None
        for key in a.keys
    ]
    return dg.AssetSelection.assets(*keys)


def build_jobs(assets: Sequence[dg.AssetsDefinition], daily: dg.PartitionsDefinition) -> list[UnresolvedAssetJobDefinition]:
    """The three jobs of a build (see the module docstring)."""
    partitioned = partitioned_selection(assets)
    downstream = partitioned.downstream() - partitioned
    return [
        dg.define_asset_job(
            PREPARE_JOB, selection=dg.AssetSelection.all() - partitioned - downstream,
            description="Ingest the bureau report and the registers; build the unpartitioned dbt models.",
        ),
        dg.define_asset_job(
            DAILY_JOB, selection=partitioned, partitions_def=daily,
            description="Load one or more JST days of smart-pole feeds and build their daily marts.",
        ),
        dg.define_asset_job(
            PUBLISH_JOB, selection=downstream,
            description="Record the check verdicts and publish every dataset's release.",
        ),
    ]


@dataclass
class BuildOutcome:
    """The runs a build made, in order; the build stopped at the first failure."""

    results: list[dg.ExecuteInProcessResult]

    @property
    def success(self) -> bool:
        return all(r.success for r in self.results)


def run_build(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    days: Sequence[date],
    logger_defs: Mapping[str, dg.LoggerDefinition] | None = None,
    run_config: Mapping[str, Any] | None = None,
) -> BuildOutcome:
    """Run prepare, the daily range (when there are days) and publish; stop at a failure."""
    outcome = BuildOutcome([])
    plan: list[tuple[str, dict[str, str]]] = [(PREPARE_JOB, {})]
    if days:
        first, last = min(days).isoformat(), max(days).isoformat()
        plan.append((DAILY_JOB, {
            "dagster/asset_partition_range_start": first,
            "dagster/asset_partition_range_end": last,
        }))
    plan.append((PUBLISH_JOB, {}))
    for name, tags in plan:
        job = defs.resolve_job_def(name)
        if logger_defs:
            job = job.with_logger_defs(dict(logger_defs))
        result = job.execute_in_process(
            instance=instance, raise_on_error=False, tags=tags, run_config=dict(run_config or {}),
        )
        outcome.results.append(result)
        if not result.success:
            break
    return outcome
