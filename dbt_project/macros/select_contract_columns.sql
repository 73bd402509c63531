{#-
  Select a model's contract columns, in the contract's order and types, from a relation.
  The standard sets' column lists live once, in the generated model YAML (from
  pipelines/standard/standard_datasets.yaml); their SQL only names where the rows come from.
-#}
{% macro select_contract_columns(from_relation) -%}
select
{%- for name, column in model.columns.items() %}
    cast({{ adapter.quote(name) }} as {{ column.data_type }}) as {{ adapter.quote(name) }}{{ "," if not loop.last }}
{%- endfor %}
from {{ from_relation }}
{%- endmacro %}
