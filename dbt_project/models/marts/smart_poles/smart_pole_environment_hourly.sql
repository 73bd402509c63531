{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='day',
          tags=['smart_poles_daily']) }}
-- Hourly environment per pole: mean, min, max and coverage (share of the 60 minutes with a
-- usable reading), on the full grid of hours so a silent hour shows 0 %.
select
    e.day,
    e.hour_start_jst,
    e.pole_id,
    e.metric,
    e.unit,
    round(h.value_sum::double / h.readings, 2)           as mean_value,
    h.min_value,
    h.max_value,
    coalesce(h.readings, 0)                              as readings,
    round(100.0 * coalesce(h.readings, 0) / 60, 1)       as coverage_pct
from {{ ref('int_smart_poles__expected_hours') }} as e
left join {{ ref('int_smart_poles__hourly_readings') }} as h
    using (day, hour_start_jst, pole_id, metric)
where e.kind = 'environment' and {{ in_build_days('e.day') }}
