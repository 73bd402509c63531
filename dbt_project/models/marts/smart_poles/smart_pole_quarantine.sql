{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='day',
          tags=['smart_poles_daily']) }}
-- Every reading kept out of the marts, with its reason, file and line: nothing disappears.
select day, pole_id, device_id, observed_at_utc, metric, value, unit, quarantine_reason as reason,
       source_file, source_line
from {{ ref('int_smart_poles__readings_checked') }}
where quarantine_reason is not null and {{ in_build_days('day') }}
