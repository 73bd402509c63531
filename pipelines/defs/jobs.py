"""The jobs a build is made of, one per partitioning, and the CKAN sync (see ``pipelines/build.py``).

DuckDB takes one writer at a time, and the graph mixes unpartitioned assets with assets
partitioned by publisher and by JST day, which Dagster runs separately:

1. ``tdpf_prepare`` — every unpartitioned asset that needs no partitioned data
   (bureau report, smart-pole register, the platform's own catalogue, their dbt models);
2. ``registers`` — the registers of publishers of the source registry (municipalities and bureaus);
3. ``smart_pole_daily`` — the day-partitioned assets (feeds and their dbt models);
4. ``tdpf_publish`` — everything downstream of partitioned data: the standard sets' dbt
   models, every dataset's quality gate, releases (a failed gate holds back its dataset only);
5. ``tdpf_ckan_sync`` — the mirror of the published catalogue in a CKAN portal (``pipelines/defs/ckan.py``),
   which runs even when the publish run failed: it mirrors what is published.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import dagster as dg

from pipelines.memory import memory_hooks

if TYPE_CHECKING:
    from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

PREPARE_JOB = "tdpf_prepare"
REGISTERS_JOB = "registers"
DAILY_JOB = "smart_pole_daily"
PUBLISH_JOB = "tdpf_publish"
CKAN_SYNC_JOB = "tdpf_ckan_sync"
BUILD_JOBS = (PREPARE_JOB, REGISTERS_JOB, DAILY_JOB, PUBLISH_JOB, CKAN_SYNC_JOB)  # in the order a build runs them
#: Runs that go ahead after an earlier run of the build failed: the sync mirrors what is published.
RUN_AFTER_FAILURE = frozenset({CKAN_SYNC_JOB})
PUBLISH_GROUP = "publish"  # the release assets (pipelines/defs/publish.py) and the CKAN sync
CKAN_SYNC_KEY = dg.AssetKey("ckan_sync")  # pipelines/defs/ckan.py


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
    """The five jobs of a build (see the module docstring).

    The quality gates run in the publish job only, whichever job builds the model they check:
    a gate's blocking failure then holds back that dataset's release in the same run and nothing
    else (in an earlier job it would fail that run and stop the whole build).
    """
    gate_checks = dg.AssetSelection.checks(*[key for g in gates for key in g.check_keys])
    hooks = memory_hooks()  # the steps run in one process: each gives back what it freed (pipelines/memory.py)
    partitioned = partitioned_selection(assets)
    sync = dg.AssetSelection.assets(CKAN_SYNC_KEY)
    releases = dg.AssetSelection.groups(PUBLISH_GROUP) - sync
    downstream = (partitioned.downstream() - partitioned - sync) | releases
    return [
        dg.define_asset_job(
            PREPARE_JOB, selection=dg.AssetSelection.all() - partitioned - downstream - sync - gate_checks,
            hooks=hooks, description="Ingest the bureau report and the smart-pole register; build their dbt models.",
        ),
        dg.define_asset_job(
            REGISTERS_JOB, selection=partitioned_selection(assets, publishers) - gate_checks, partitions_def=publishers,
            hooks=hooks, description="Load the registers of one or more publishers (全国地方公共団体コード) into the raw standard-set tables.",
        ),
        dg.define_asset_job(
            DAILY_JOB, selection=partitioned_selection(assets, daily) - gate_checks, partitions_def=daily,
            hooks=hooks, description="Load one or more JST days of smart-pole feeds and build their daily marts.",
        ),
        dg.define_asset_job(
            PUBLISH_JOB, selection=(downstream - gate_checks) | gate_checks,
            hooks=hooks, description="Run every dataset's quality gate and publish the datasets that pass.",
        ),
        dg.define_asset_job(
            CKAN_SYNC_JOB, selection=sync,
            description="Mirror the published catalogue into the CKAN portal at CKAN_URL (skipped when unset).",
        ),
    ]
