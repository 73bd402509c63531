{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='day',
          tags=['smart_poles_daily']) }}
-- A table, replaced day by day: both hourly marts read it.
-- Usable readings (not quarantined, not duplicates) per pole, metric and JST hour, aggregated
-- once for every hourly mart. The sum is an exact decimal so the mean cannot change between
-- two runs on the same data (a parallel float sum could flip a rounding).
select
    day,
    date_trunc('hour', observed_at_jst)   as hour_start_jst,
    pole_id,
    metric,
    sum(value::decimal(18, 2))            as value_sum,
    min(value)                            as min_value,
    max(value)                            as max_value,
    count(*)                              as readings
from {{ ref('int_smart_poles__readings_checked') }}
where quarantine_reason is null and not is_duplicate and {{ in_build_days('day') }}
group by all
