{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='day',
          tags=['smart_poles_daily']) }}
-- Hourly people flow per pole and direction (people counter), with coverage.
select
    e.day,
    e.hour_start_jst,
    e.pole_id,
    case e.metric when 'people_northbound' then 'northbound' else 'southbound' end as direction,
    cast(coalesce(h.value_sum, 0) as bigint)             as people,
    coalesce(h.readings, 0)                              as readings,
    round(100.0 * coalesce(h.readings, 0) / 60, 1)       as coverage_pct
from {{ ref('int_smart_poles__expected_hours') }} as e
left join {{ ref('int_smart_poles__hourly_readings') }} as h
    using (day, hour_start_jst, pole_id, metric)
where e.kind = 'people' and {{ in_build_days('e.day') }}
