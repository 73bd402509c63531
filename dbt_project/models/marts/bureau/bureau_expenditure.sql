-- Expenditure line items, each carrying its 款 and 項, so the file adds up to the budget
-- total and still shows the hierarchy (デジタルサービス費 > 管理費 > item).
select
    fiscal_year,
    fiscal_year_label,
    budget_kind,
    row_index     as display_order,
    section,
    subsection,
    item,
    amount_yen,
    amount_stated,
    unit_stated
from {{ ref('int_bureau__budget_lines') }}
where table_id = 'budget_expenditure' and level = 'item'
