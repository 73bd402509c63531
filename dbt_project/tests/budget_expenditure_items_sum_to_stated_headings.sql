-- The report states its own totals: 歳出 line items sum to their 項 (管理費), each 項 sums to
-- its 款 (デジタルサービス費), and the 款 sum to 歳出 in the 総額 table (44,684,000 千円 in 令和5年度).
with lines as (select * from {{ ref('int_bureau__budget_lines') }}),

items_per_subsection as (
    select fiscal_year, subsection, sum(amount_stated) as items_sum
    from lines where table_id = 'budget_expenditure' and level = 'item'
    group by all
),

subsections_per_section as (
    select fiscal_year, section, sum(amount_stated) as subsections_sum
    from lines where table_id = 'budget_expenditure' and level = '項'
    group by all
),

sections as (
    select fiscal_year, sum(amount_stated) as sections_sum
    from lines where table_id = 'budget_expenditure' and level = '款'
    group by all
)

select 'items ≠ 項' as failure, s.item, s.amount_stated as stated, i.items_sum as computed
from lines s join items_per_subsection i on i.fiscal_year = s.fiscal_year and i.subsection = s.item
where s.table_id = 'budget_expenditure' and s.level = '項' and s.amount_stated <> i.items_sum
union all
select '項 ≠ 款', s.item, s.amount_stated, p.subsections_sum
from lines s join subsections_per_section p on p.fiscal_year = s.fiscal_year and p.section = s.item
where s.table_id = 'budget_expenditure' and s.level = '款' and s.amount_stated <> p.subsections_sum
union all
select '款 ≠ 総額の歳出', t.item, t.amount_stated, c.sections_sum
from lines t join sections c on c.fiscal_year = t.fiscal_year
where t.table_id = 'budget_total' and t.item = '歳出' and t.amount_stated <> c.sections_sum
union all
-- a table without any heading rows would make the checks above vacuous
select 'no 歳出 items', null, null, null
where not exists (select 1 from items_per_subsection)
