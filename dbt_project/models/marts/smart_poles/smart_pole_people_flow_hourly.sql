{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='day',
          tags=['smart_poles_daily']) }}
-- Hourly people flow per pole and direction (people counter), with coverage.
with usable as (
    select day, date_trunc('hour', observed_at_jst) as hour_start_jst, pole_id, metric, value
    from {{ ref('int_smart_poles__readings_checked') }}
    where quarantine_reason is null and not is_duplicate
)

select
    e.day,
    e.hour_start_jst,
    e.pole_id,
    case e.metric when 'people_northbound' then 'northbound' else 'southbound' end as direction,
    cast(coalesce(sum(u.value), 0) as bigint)   as people,
    count(u.value)                              as readings,
    round(100.0 * count(u.value) / 60, 1)       as coverage_pct
from {{ ref('int_smart_poles__expected_hours') }} as e
left join usable as u
    on u.day = e.day and u.hour_start_jst = e.hour_start_jst
   and u.pole_id = e.pole_id and u.metric = e.metric
where e.kind = 'people'
group by all
