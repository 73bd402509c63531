select
    cast(row_index as integer)     as row_index,
    org_unit,
    column_label,
    column_kind,
    cast(source_column as integer) as column_position,
    cast(staff_count as integer)   as staff_count,
    cast(outside_count as integer) as outside_count,
    source_file,
    cast(source_line as integer)   as source_line
from {{ source('raw', 'bureau_staffing_by_rank') }}
