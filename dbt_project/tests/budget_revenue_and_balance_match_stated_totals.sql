-- 歳入 items sum to the printed 合計, 合計 equals 歳入 in the 総額 table, and
-- 差引一般財源 = 歳出 − 歳入.
with lines as (select * from {{ ref('int_bureau__budget_lines') }}),

by_year as (
    select
        fiscal_year,
        sum(case when table_id = 'budget_revenue' and level = 'item' then amount_stated end) as revenue_items,
        max(case when table_id = 'budget_revenue' and level = 'total' then amount_stated end) as revenue_stated_total,
        max(case when table_id = 'budget_total' and item = '歳入' then amount_stated end) as summary_revenue,
        max(case when table_id = 'budget_total' and item = '歳出' then amount_stated end) as summary_expenditure,
        max(case when table_id = 'budget_total' and item = '差引一般財源' then amount_stated end) as summary_balance
    from lines
    group by fiscal_year
)

select * from by_year
where revenue_items is distinct from revenue_stated_total
   or revenue_stated_total is distinct from summary_revenue
   or summary_balance is distinct from summary_expenditure - summary_revenue
