-- One row per printed budget row; only renaming and typing.
select
    table_id,
    table_title,
    cast(row_index as integer)      as row_index,
    item_label,
    item,
    cast(fiscal_year as integer)    as fiscal_year,
    fiscal_year_label,
    budget_kind,
    cast(amount_stated as bigint)   as amount_stated,
    unit_stated,
    cast(amount_yen as bigint)      as amount_yen,
    source_file,
    cast(source_line as integer)    as source_line
from {{ source('raw', 'bureau_budget_lines') }}
