{{ config(tags=['smart_poles_daily']) }}
-- Readings of the days being built, repaired where the fault is known and reversible:
--   time zone: a Shift_JIS file whose 計測日時 were written in UTC (all readings 9 h early);
--   units: firmware that switched to °F or kPa is converted back to °C / hPa;
--   devices: each reading is attributed to the pole its device was mounted on at that time;
--   duplicates: a message delivered twice is kept once.
-- Nothing is dropped here: rows that cannot be attributed are flagged for quarantine.
with readings as (
    select *,
        partition_day::timestamp - interval 9 hour                   as day_start_utc,
        min(observed_at) over (partition by source_file)             as file_first,
        max(observed_at) over (partition by source_file)             as file_last
    from {{ source('smart_poles', 'smart_pole_readings') }}
    where {{ in_build_days('partition_day') }}
),

time_repaired as (
    select *,
        (vendor_format = 'csv_sjis'
         and file_first >= day_start_utc - interval 9 hour and file_first < day_start_utc
         and file_last < day_start_utc + interval 15 hour)              as timezone_repaired,
        case when timezone_repaired then observed_at + interval 9 hour else observed_at end as observed_at_utc
    from readings
),

unit_repaired as (
    select *,
        case unit
            when 'degF' then round((value - 32) * 5 / 9, 2)
            when 'kPa' then round(value * 10, 2)
            else value
        end                                                            as value_canonical,
        case unit when 'degF' then 'degC' when 'kPa' then 'hPa' else unit end as unit_canonical,
        unit in ('degF', 'kPa')                                        as unit_repaired
    from time_repaired
),

mapped as (
    select u.*, d.pole_id
    from unit_repaired as u
    left join {{ source('smart_poles', 'smart_pole_devices') }} as d
        on d.device_id = u.device_id
       and u.observed_at_utc >= d.valid_from
       and (d.valid_to is null or u.observed_at_utc < d.valid_to)
),

numbered as (
    select *,
        row_number() over (
            partition by coalesce(pole_id, device_id), observed_at_utc, metric
            order by source_file, source_line
        ) as copy_number
    from mapped
)

select
    partition_day                                  as day,
    pole_id,
    device_id,
    observed_at_utc,
    observed_at_utc + interval 9 hour              as observed_at_jst,
    metric,
    value_canonical                                as value,
    unit_canonical                                 as unit,
    unit                                           as unit_delivered,
    vendor_format,
    source_file,
    source_line,
    timezone_repaired,
    unit_repaired,
    copy_number > 1                                as is_duplicate,
    case
        when pole_id is null then 'unknown_device'
        when observed_at_utc < day_start_utc or observed_at_utc >= day_start_utc + interval 24 hour then 'outside_day'
    end                                            as attribution_problem
from numbered
