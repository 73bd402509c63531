{{ config(meta={"dagster": {"ref": {"name": "stg_bureau_report__staffing_by_rank"}}}) }}
-- In each row the ranks add up to the printed 合計 (both counts), and the job types of the
-- 職種別内訳 add up to its 合計 and to the bureau's 合計 in the 職層別内訳.
with by_rank as (
    select org_unit,
           sum(case when column_kind = 'breakdown' then staff_count end)   as staff_sum,
           max(case when column_kind = 'total' then staff_count end)       as staff_total,
           sum(case when column_kind = 'breakdown' then outside_count end) as outside_sum,
           max(case when column_kind = 'total' then outside_count end)     as outside_total
    from {{ ref('stg_bureau_report__staffing_by_rank') }}
    group by org_unit
),

by_job as (
    select org_unit,
           sum(case when column_kind = 'breakdown' then staff_count end) as staff_sum,
           max(case when column_kind = 'total' then staff_count end)     as staff_total
    from {{ ref('stg_bureau_report__staffing_by_job_type') }}
    group by org_unit
)

select 'ranks ≠ 合計' as failure, org_unit from by_rank
where staff_sum <> staff_total or outside_sum <> outside_total
union all
select 'job types ≠ 合計', org_unit from by_job where staff_sum <> staff_total
union all
select 'job-type total ≠ rank total', j.org_unit
from by_job j join by_rank r using (org_unit)
where j.staff_total <> r.staff_total
