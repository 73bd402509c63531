{#- A 全国地方公共団体コード: six half-width digits whose last is the check digit of the first five. -#}
{% test valid_lg_code(model, column_name) %}
select {{ column_name }} as code
from {{ model }}
where {{ column_name }} is not null
  and (not regexp_full_match({{ column_name }}, '[0-9]{6}')
       or substr({{ column_name }}, 6, 1) <> {{ lg_code_check_digit(column_name) }})
{% endtest %}
