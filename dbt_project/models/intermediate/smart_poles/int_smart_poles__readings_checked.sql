{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='day',
          tags=['smart_poles_daily']) }}
-- A table, replaced day by day like the marts: four marts read it, and its window functions
-- over every reading would otherwise run once per mart (and once more to describe it).
-- Every reading with a verdict. Duplicates (repaired) are marked; readings that must not reach
-- the marts carry a quarantine reason:
--   unknown_device / outside_day: cannot be attributed to a pole and day;
--   out_of_range: physically implausible for the metric (spikes);
--   stuck_sensor: the same value for {{ var('stuck_minutes', 60) }}+ consecutive minutes on a
--   metric that always moves (temperature, humidity, noise, PM2.5).
with readings as (
    select r.*, m.min_plausible, m.max_plausible, m.can_stick
    from {{ ref('stg_smart_poles__readings') }} as r
    left join {{ ref('smart_pole_metric_ranges') }} as m using (metric)
),

runs as (
    select *,
        epoch(observed_at_utc) // 60 - row_number() over (
            partition by pole_id, metric, value order by observed_at_utc
        ) as run_id
    from readings
    where not is_duplicate and attribution_problem is null
),

run_lengths as (
    select *, count(*) over (partition by pole_id, metric, value, run_id) as run_minutes
    from runs
)

select
    r.*,
    case
        when r.attribution_problem is not null then r.attribution_problem
        when r.value < r.min_plausible or r.value > r.max_plausible then 'out_of_range'
        when r.can_stick and l.run_minutes >= {{ var('stuck_minutes', 60) }} then 'stuck_sensor'
    end as quarantine_reason
from readings as r
left join run_lengths as l
    on l.source_file = r.source_file and l.source_line = r.source_line and l.metric = r.metric
