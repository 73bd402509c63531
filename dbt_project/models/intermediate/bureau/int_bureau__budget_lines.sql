-- Budget rows with their level in the hierarchy and the 款 / 項 they sit under.
-- The report shows the hierarchy only by row order: a line item belongs to the nearest
-- 款 and 項 printed above it.
with lines as (
    select
        l.*,
        coalesce(h.level, 'item') as level
    from {{ ref('stg_bureau_report__budget_lines') }} as l
    left join {{ ref('bureau_budget_headings') }} as h
        on h.table_id = l.table_id and h.item = l.item
)

select
    *,
    last_value(case when level = '款' then item end ignore nulls) over (
        partition by table_id, fiscal_year, source_file order by row_index
        rows between unbounded preceding and current row
    ) as section,
    last_value(case when level = '項' then item end ignore nulls) over (
        partition by table_id, fiscal_year, source_file order by row_index
        rows between unbounded preceding and current row
    ) as subsection
from lines
