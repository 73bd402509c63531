select
    fiscal_year,
    fiscal_year_label,
    budget_kind,
    row_index     as display_order,
    item,
    amount_yen,
    amount_stated,
    unit_stated
from {{ ref('int_bureau__budget_lines') }}
where table_id = 'budget_total'
