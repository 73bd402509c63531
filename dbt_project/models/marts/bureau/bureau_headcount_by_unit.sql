-- The stated totals (合計) and authorised headcount (定数) of each unit.
select
    u.row_index   as display_order,
    u.org_unit,
    u.org_level,
    u.parent_unit,
    max(case when s.column_kind = 'total' then s.staff_count end)        as staff_total,
    max(case when s.column_kind = 'total' then s.outside_count end)      as outside_total,
    max(case when s.column_kind = 'authorized' then s.staff_count end)   as authorized_headcount
from {{ ref('stg_bureau_report__staffing_by_rank') }} as s
join {{ ref('int_bureau__org_units') }} as u
    on u.row_index = s.row_index and u.source_file = s.source_file
group by all
