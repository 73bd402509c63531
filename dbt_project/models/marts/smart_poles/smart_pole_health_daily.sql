{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='day',
          tags=['smart_poles_daily']) }}
-- Daily health per pole: uptime, and every fault detected, by kind (repaired or quarantined).
with checked as (
    select * from {{ ref('int_smart_poles__readings_checked') }} where {{ in_build_days('day') }}
),

expected as (
    select day, pole_id, count(distinct metric) * 1440 as expected_readings
    from {{ ref('int_smart_poles__expected_hours') }}
    where {{ in_build_days('day') }}
    group by all
),

per_pole as (
    select
        day,
        pole_id,
        count(*)                                                          as readings_received,
        count(*) filter (where is_duplicate)                              as duplicates_removed,
        count(*) filter (where not is_duplicate and quarantine_reason is null) as readings_used,
        count(distinct observed_at_utc) filter (where not is_duplicate and quarantine_reason is null) as minutes_up,
        count(*) filter (where quarantine_reason = 'out_of_range')        as quarantined_out_of_range,
        count(*) filter (where quarantine_reason = 'stuck_sensor')        as quarantined_stuck_sensor,
        count(distinct source_file) filter (where timezone_repaired)      as files_timezone_repaired,
        count(*) filter (where unit_repaired)                             as readings_unit_repaired,
        count(distinct device_id)                                         as devices_reporting
    from checked
    where pole_id is not null
    group by all
),

rejects as (
    select r.partition_day as day, d.pole_id, count(*) as rejected_at_ingest
    from {{ source('smart_poles', 'smart_pole_rejects') }} as r
    join (select distinct device_id, pole_id from {{ source('smart_poles', 'smart_pole_devices') }}) as d
        on d.device_id = regexp_extract(r.source_file, '([^/]+)\.[a-z]+$', 1)
    where {{ in_build_days('r.partition_day') }}
    group by all
)

select
    e.day,
    e.pole_id,
    e.expected_readings,
    coalesce(p.readings_received, 0)                                   as readings_received,
    coalesce(p.readings_used, 0)                                       as readings_used,
    round(100.0 * coalesce(p.minutes_up, 0) / 1440, 1)                 as uptime_pct,
    1440 - coalesce(p.minutes_up, 0)                                   as minutes_without_data,
    coalesce(p.duplicates_removed, 0)                                  as duplicates_removed,
    coalesce(p.quarantined_out_of_range, 0)                            as quarantined_out_of_range,
    coalesce(p.quarantined_stuck_sensor, 0)                            as quarantined_stuck_sensor,
    coalesce(p.files_timezone_repaired, 0)                             as files_timezone_repaired,
    coalesce(p.readings_unit_repaired, 0)                              as readings_unit_repaired,
    coalesce(p.devices_reporting, 0)                                   as devices_reporting,
    coalesce(r.rejected_at_ingest, 0)                                  as rejected_at_ingest
from expected as e
left join per_pole as p using (day, pole_id)
left join rejects as r using (day, pole_id)
