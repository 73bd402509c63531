{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='day',
          tags=['smart_poles_daily']) }}
-- A table, replaced day by day: three marts read it.
-- Every hour of every day being built, for every pole and every metric its sensors measure:
-- the grid the hourly marts are laid on, so an hour with no readings shows coverage 0 %
-- instead of silently missing.
with days as (
    select distinct day from {{ ref('stg_smart_poles__readings') }}
),

pole_metrics as (
    select p.pole_id, m.metric, m.unit, m.kind
    from {{ ref('stg_smart_poles__register') }} as p,
         unnest(string_split(p.sensors, '|')) as s(sensor)
    join {{ ref('smart_pole_metric_ranges') }} as m on m.sensor = s.sensor
)

select
    d.day,
    d.day::timestamp + to_hours(h.hour) as hour_start_jst,
    pm.pole_id,
    pm.metric,
    pm.unit,
    pm.kind
from days as d
cross join range(24) as h(hour)
cross join pole_metrics as pm
