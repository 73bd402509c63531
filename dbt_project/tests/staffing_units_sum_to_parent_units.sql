{{ config(meta={"dagster": {"ref": {"name": "int_bureau__org_units"}}}) }}
-- 課 rows sum to their 部 row and 部 rows to the 局 row, rank by rank and for the printed
-- 合計, for both counts: staff and staff counted outside (外書).
with cells as (
    select s.row_index, s.column_label, s.column_kind, s.staff_count, s.outside_count,
           u.org_unit, u.org_level, u.parent_unit
    from {{ ref('stg_bureau_report__staffing_by_rank') }} s
    join {{ ref('int_bureau__org_units') }} u
      on u.row_index = s.row_index and u.source_file = s.source_file
    where s.column_kind in ('breakdown', 'total')
),

children as (
    select parent_unit, column_label,
           sum(staff_count) as staff_sum, sum(outside_count) as outside_sum, count(*) as n
    from cells where parent_unit is not null
    group by all
)

select p.org_unit, p.column_label, p.staff_count, c.staff_sum, p.outside_count, c.outside_sum
from cells p
join children c on c.parent_unit = p.org_unit and c.column_label = p.column_label
where p.staff_count <> c.staff_sum or p.outside_count <> c.outside_sum
union all
-- every 部 and 局 must have children, or the check would pass vacuously
select p.org_unit, p.column_label, null, null, null, null
from cells p
where p.org_level in ('局', '部')
  and not exists (select 1 from children c where c.parent_unit = p.org_unit)
