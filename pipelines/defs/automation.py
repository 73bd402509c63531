"""When builds start by themselves: the nightly schedule, the landing sensor and publication after a load.

All three ask the build planner (``pipelines/build.py`` ``plan_for``) what changed, the same
question ``tdpf build`` asks: a night with no new feed file starts no run, a late file rebuilds
its own day only, and publication after a load runs the gates and releases of exactly the
datasets whose models that load rebuilt.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import dagster as dg

from pipelines.defs.jobs import DAILY_JOB, PUBLISH_JOB
from pipelines.paths import DataHome

if TYPE_CHECKING:
    from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

    from pipelines.build import RunSpec

JST = ZoneInfo("Asia/Tokyo")
#: The Definitions the automation belongs to, set once they exist (the planner needs the asset graph).
DefinitionsRef = Callable[[], dg.Definitions]


def build_automation(
    home: DataHome, jobs: "list[UnresolvedAssetJobDefinition]", definitions: DefinitionsRef,
) -> tuple[list[dg.ScheduleDefinition], list[dg.SensorDefinition]]:
    """Schedule, landing sensor and publish-after-load sensor for these jobs."""
    by_name = {j.name: j for j in jobs}
    daily, publish = by_name[DAILY_JOB], by_name[PUBLISH_JOB]

    def planned(instance: dg.DagsterInstance, job: str) -> list[RunSpec]:
        from pipelines.build import plan_for

        _, runs = plan_for(home, definitions(), instance, embed=False)
        return [r for r in runs if r.job == job]

    @dg.schedule(job=daily, cron_schedule="30 1 * * *", execution_timezone="Asia/Tokyo",
                 name="smart_pole_daily_schedule",
                 description="Every night at 01:30 JST, load yesterday's smart-pole feeds if they are new or changed.")
    def smart_pole_daily_schedule(context: dg.ScheduleEvaluationContext) -> Iterator[dg.RunRequest | dg.SkipReason]:
        when = context.scheduled_execution_time or datetime.now(JST)
        yesterday = (when.astimezone(JST) - timedelta(days=1)).date().isoformat()
        runs = [r for r in planned(context.instance, DAILY_JOB) if yesterday in r.partitions]
        if not runs:
            yield dg.SkipReason(f"{yesterday}: no new or changed feed files since the last build")
            return
        yield _request(runs[0], "schedule", partitions=(yesterday,))

    @dg.sensor(job=daily, minimum_interval_seconds=60, name="smart_pole_landing_sensor",
               description="Starts a run for the JST days whose feed files are new or changed by content "
                           "(late files included: they rebuild their own day only).")
    def smart_pole_landing_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
        runs = planned(context.instance, DAILY_JOB)
        if not runs:
            return dg.SensorResult(skip_reason="no new or changed feed files")
        return dg.SensorResult(run_requests=[_request(r, "landing") for r in runs])

    @dg.run_status_sensor(run_status=dg.DagsterRunStatus.SUCCESS, monitored_jobs=[daily],
                          request_job=publish, name="publish_after_smart_pole_load",
                          description="Publishes the datasets whose models a successful daily load rebuilt "
                                      "(their quality gates first).")
    def publish_after_smart_pole_load(context: dg.RunStatusSensorContext) -> dg.RunRequest | dg.SkipReason:
        runs = planned(context.instance, PUBLISH_JOB)
        if not runs:
            return dg.SkipReason("nothing to publish: the load changed no published dataset")
        return _request(runs[0], f"after-{context.dagster_run.run_id}")

    return [smart_pole_daily_schedule], [smart_pole_landing_sensor, publish_after_smart_pole_load]


def _request(spec: RunSpec, trigger: str, partitions: tuple[str, ...] | None = None) -> dg.RunRequest:
    """A run request for one planned run; the run key makes a repeated evaluation start it once."""
    from pipelines.build import RANGE_END, RANGE_START

    days = partitions or spec.partitions
    tags = {"tdpf/trigger": trigger.split("-")[0]}
    if days:
        tags.update({RANGE_START: days[0], RANGE_END: days[-1]})
    key = f"{spec.job}:{','.join(days)}:{','.join(sorted(a.to_user_string() for a in spec.assets))}"
    return dg.RunRequest(run_key=f"{trigger}:{key}", asset_selection=sorted(spec.assets, key=str),
                         asset_check_keys=sorted(spec.checks, key=str), tags=tags)
