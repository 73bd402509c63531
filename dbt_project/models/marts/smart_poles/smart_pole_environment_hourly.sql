{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='day',
          tags=['smart_poles_daily']) }}
-- Hourly environment per pole: mean, min, max and coverage (share of the 60 minutes with a
-- usable reading). Quarantined and duplicate readings never count.
with usable as (
    select day, date_trunc('hour', observed_at_jst) as hour_start_jst, pole_id, metric, value
    from {{ ref('int_smart_poles__readings_checked') }}
    where quarantine_reason is null and not is_duplicate
)

select
    e.day,
    e.hour_start_jst,
    e.pole_id,
    e.metric,
    e.unit,
    -- exact decimal sum, one division: a parallel float sum could differ in its last bits
    -- between runs and flip a rounding, making identical data look changed
    round(sum(u.value::decimal(18, 2))::double / nullif(count(u.value), 0), 2) as mean_value,
    min(u.value)                                as min_value,
    max(u.value)                                as max_value,
    count(u.value)                              as readings,
    round(100.0 * count(u.value) / 60, 1)       as coverage_pct
from {{ ref('int_smart_poles__expected_hours') }} as e
left join usable as u
    on u.day = e.day and u.hour_start_jst = e.hour_start_jst
   and u.pole_id = e.pole_id and u.metric = e.metric
where e.kind = 'environment'
group by all
