{#-
  The check digit of a 全国地方公共団体コード (総務省): weights 6,5,4,3,2 on the first five digits,
  then (11 - sum mod 11) mod 10. Kept in one place so every test and model agrees with the
  Python normaliser (pipelines/standard/normalise.py).
-#}
{% macro lg_code_check_digit(code) -%}
  cast((11 - (
        6 * cast(substr({{ code }}, 1, 1) as integer)
      + 5 * cast(substr({{ code }}, 2, 1) as integer)
      + 4 * cast(substr({{ code }}, 3, 1) as integer)
      + 3 * cast(substr({{ code }}, 4, 1) as integer)
      + 2 * cast(substr({{ code }}, 5, 1) as integer)) % 11) % 10 as varchar)
{%- endmacro %}
