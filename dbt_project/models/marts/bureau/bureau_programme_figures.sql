-- Programme figures in long form. Plans (予定) are flagged and never mixed with actuals:
-- is_planned is part of every figure's identity.
select
    programme_id,
    programme,
    programme_en,
    measure,
    category,
    fiscal_year,
    fiscal_year_label,
    value,
    unit,
    is_approximate,
    is_cumulative,
    is_planned,
    period_note
from {{ ref('stg_bureau_report__programme_figures') }}
