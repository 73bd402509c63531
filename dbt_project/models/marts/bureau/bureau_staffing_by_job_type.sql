select
    row_index              as display_order,
    org_unit,
    column_position - 1    as job_type_order,
    column_label           as job_type,
    staff_count
from {{ ref('stg_bureau_report__staffing_by_job_type') }}
where column_kind = 'breakdown'
