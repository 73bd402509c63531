"""The whole build as Dagster runs: what `tdpf build` does, and what the tests run.

DuckDB takes one writer at a time, and the graph mixes unpartitioned assets with assets
partitioned by publisher and by JST day, which Dagster runs separately. So a build is four
runs, in order:

1. ``tdpf_prepare`` — every unpartitioned asset that needs no partitioned data
   (bureau report, smart-pole register, their dbt models);
2. ``municipal_registers`` — the registers of every publisher of the source registry, as one
   run over all publisher partitions;
3. ``smart_pole_daily`` — the day-partitioned assets, for every day that has feed files,
   as one run over the range (single-run backfill: one vectorised load);
4. ``tdpf_publish`` — everything downstream of partitioned data: the standard sets' dbt
   models, every dataset's quality gate, releases (a failed gate holds back its dataset only).

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
REGISTERS_JOB = "municipal_registers"
DAILY_JOB = "smart_pole_daily"
PUBLISH_JOB = "tdpf_publish"
PUBLISH_GROUP = "publish"  # the release assets (pipelines/defs/publish.py)


def partitioned_selection(
    assets: Sequence[dg.AssetsDefinition | dg.AssetSpec], partitions_def: dg.PartitionsDefinition | None = None
) -> dg.AssetSelection:
    """The assets partitioned by ``partitions_def`` (by anything, when it is None)."""
    keys = [
        key for a in assets if isinstance(a, dg.AssetsDefinition) and a.partitions_def is not None
        and (partitions_def is None or a.partitions_def == partitions_def)
        for key in a.keys
    ]
    return dg.AssetSelection.assets(*keys)


def build_jobs(
    assets: Sequence[dg.AssetsDefinition], daily: dg.PartitionsDefinition, publishers: dg.PartitionsDefinition,
    gates: Sequence[dg.AssetChecksDefinition] = (),
) -> list[UnresolvedAssetJobDefinition]:
    """The four jobs of a build (see the module docstring).

    The quality gates run in the publish job only, whichever job builds the model they check:
    a gate's blocking failure then holds back that dataset's release in the same run and nothing
    else (in an earlier job it would fail that run and stop the whole build).
    """
    gate_checks = dg.AssetSelection.checks(*[key for g in gates for key in g.check_keys])
    partitioned = partitioned_selection(assets)
    releases = dg.AssetSelection.groups(PUBLISH_GROUP)
    downstream = (partitioned.downstream() - partitioned) | releases
    return [
        dg.define_asset_job(
            PREPARE_JOB, selection=dg.AssetSelection.all() - partitioned - downstream - gate_checks,
            description="Ingest the bureau report and the smart-pole register; build their dbt models.",
        ),
        dg.define_asset_job(
            REGISTERS_JOB, selection=partitioned_selection(assets, publishers) - gate_checks, partitions_def=publishers,
            description="Load the registers of one or more publishers (全国地方公共団体コード) into the raw standard-set tables.",
        ),
        dg.define_asset_job(
            DAILY_JOB, selection=partitioned_selection(assets, daily) - gate_checks, partitions_def=daily,
            description="Load one or more JST days of smart-pole feeds and build their daily marts.",
        ),
        dg.define_asset_job(
            PUBLISH_JOB, selection=(downstream - gate_checks) | gate_checks,
            description="Run every dataset's quality gate and publish the datasets that pass.",
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
    """Run prepare, every publisher, the daily range (when there are days) and publish; stop at a failure."""
    outcome = BuildOutcome([])
    publishers_def = defs.resolve_job_def(REGISTERS_JOB).partitions_def
    publishers = publishers_def.get_partition_keys() if publishers_def else []
    plan: list[tuple[str, dict[str, str]]] = [(PREPARE_JOB, {})]
    if publishers:
        plan.append((REGISTERS_JOB, {
            "dagster/asset_partition_range_start": min(publishers),
            "dagster/asset_partition_range_end": max(publishers),
        }))
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
