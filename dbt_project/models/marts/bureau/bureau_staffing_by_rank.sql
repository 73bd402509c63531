-- Staff per unit and rank; staff counted outside (外書, printed in parentheses) kept apart.
select
    u.row_index       as display_order,
    u.org_unit,
    u.org_level,
    u.parent_unit,
    s.column_position - 1 as rank_order,
    s.column_label    as rank,
    s.staff_count,
    s.outside_count
from {{ ref('stg_bureau_report__staffing_by_rank') }} as s
join {{ ref('int_bureau__org_units') }} as u
    on u.row_index = s.row_index and u.source_file = s.source_file
where s.column_kind = 'breakdown'
