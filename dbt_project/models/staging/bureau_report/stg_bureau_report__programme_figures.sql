select
    programme_id,
    programme,
    programme_en,
    measure,
    category,
    cast(fiscal_year as integer) as fiscal_year,
    fiscal_year_label,
    cast(value as bigint)        as value,
    unit,
    is_approximate,
    is_cumulative,
    is_planned,
    period_note,
    source_file,
    cast(source_line as integer) as source_line
from {{ source('raw', 'bureau_programme_figures') }}
