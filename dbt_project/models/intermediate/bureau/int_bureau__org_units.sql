-- Organisational units of the staffing table with their level (局 > 部 > 課) and parent.
-- Like the budget, the report shows the hierarchy only by row order and by the unit's suffix.
with units as (
    select distinct row_index, org_unit, source_file
    from {{ ref('stg_bureau_report__staffing_by_rank') }}
),

levelled as (
    select
        *,
        case
            when org_unit like '%局' then '局'
            when org_unit like '%部' then '部'
            when org_unit like '%課' then '課'
        end as org_level
    from units
)

select
    row_index,
    org_unit,
    org_level,
    case org_level
        when '部' then last_value(case when org_level = '局' then org_unit end ignore nulls) over w
        when '課' then last_value(case when org_level = '部' then org_unit end ignore nulls) over w
    end as parent_unit,
    source_file
from levelled
window w as (partition by source_file order by row_index rows between unbounded preceding and 1 preceding)
