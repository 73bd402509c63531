"""When the smart-pole feeds are loaded: a daily schedule, a landing-folder sensor for new and
late files, and publication after every successful daily run."""

import hashlib
import json
from typing import TYPE_CHECKING

import dagster as dg

from pipelines.build import DAILY_JOB, PUBLISH_JOB
from pipelines.paths import DataHome
from pipelines.smart_poles.formats import FILE_SUFFIX, FORMATS

if TYPE_CHECKING:
    from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition


def scan_feed_files(home: DataHome) -> dict[str, int]:
    """Every feed file under the landing folder → its modification time (ns)."""
    feeds = home.landing / "smart_poles" / "feeds"
    found: dict[str, int] = {}
    for fmt in FORMATS:
        for path in sorted((feeds / fmt).glob(f"*/*{FILE_SUFFIX[fmt]}")):
            found[str(path.relative_to(feeds))] = path.stat().st_mtime_ns
    return found


def changed_days(previous: dict[str, int], current: dict[str, int]) -> dict[str, list[str]]:
    """JST day → the new or changed files of that day (the folder name is the day)."""
    days: dict[str, list[str]] = {}
    for rel, mtime in current.items():
        if previous.get(rel) != mtime:
            days.setdefault(rel.split("/")[1], []).append(rel)
    return days


def build_automation(
    home: DataHome, jobs: "list[UnresolvedAssetJobDefinition]"
) -> tuple[list[dg.ScheduleDefinition], list[dg.SensorDefinition]]:
    """Schedule, landing sensor and publish-after-load sensor for these jobs."""
    by_name = {j.name: j for j in jobs}
    daily, publish = by_name[DAILY_JOB], by_name[PUBLISH_JOB]

    schedule = dg.build_schedule_from_partitioned_job(
        daily, hour_of_day=1, minute_of_hour=30, name="smart_pole_daily_schedule",
        description="Every night at 01:30 JST, load yesterday's smart-pole feeds.",
    )

    @dg.sensor(job=daily, minimum_interval_seconds=60, name="smart_pole_landing_sensor",
               description="Starts a run for each JST day whose feed files are new or changed "
                           "(late files included: they rebuild their own day only).")
    def smart_pole_landing_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
        previous = json.loads(context.cursor) if context.cursor else {}
        current = scan_feed_files(home)
        requests = []
        for day, files in sorted(changed_days(previous, current).items()):
            digest = hashlib.sha256(json.dumps(sorted((f, current[f]) for f in files)).encode()).hexdigest()[:16]
            requests.append(dg.RunRequest(partition_key=day, run_key=f"{day}-{digest}",
                                          tags={"tdpf/trigger": "landing", "tdpf/files": str(len(files))}))
        return dg.SensorResult(run_requests=requests, cursor=json.dumps(current, sort_keys=True))

    @dg.run_status_sensor(run_status=dg.DagsterRunStatus.SUCCESS, monitored_jobs=[daily],
                          request_job=publish, name="publish_after_smart_pole_load",
                          description="Publishes the releases once a day's feeds are loaded and checked.")
    def publish_after_smart_pole_load(context: dg.RunStatusSensorContext) -> dg.RunRequest:
        return dg.RunRequest(run_key=f"publish-after-{context.dagster_run.run_id}")

    return [schedule], [smart_pole_landing_sensor, publish_after_smart_pole_load]
