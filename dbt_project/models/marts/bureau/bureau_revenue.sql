-- Revenue line items only; the printed 合計 stays in the intermediate model, where a test
-- checks that the items add up to it.
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
where table_id = 'budget_revenue' and level = 'item'
