{#-
  The JST days a smart-pole run builds, from TDPF_DBT_MIN_DAY / TDPF_DBT_MAX_DAY (set by the
  Dagster step for its partition range; every day when unset, e.g. a plain `dbt build`).
  Environment variables rather than `--vars`: dbt re-parses the whole project whenever `--vars`
  change, but only the files that read an environment variable when that variable changes, and
  every daily run has other days.
-#}
{% macro build_day_bounds() %}
    {%- set first = env_var('TDPF_DBT_MIN_DAY', '1900-01-01') -%}
    {%- set last = env_var('TDPF_DBT_MAX_DAY', '2999-12-31') -%}
    {%- for day in (first, last) -%}
        {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', day) -%}
            {{ exceptions.raise_compiler_error("TDPF_DBT_MIN_DAY / TDPF_DBT_MAX_DAY must be YYYY-MM-DD, got '" ~ day ~ "'") }}
        {%- endif -%}
    {%- endfor -%}
    {{ return((first, last)) }}
{% endmacro %}

{% macro in_build_days(column) -%}
    {%- set bounds = build_day_bounds() -%}
    {{ column }} between '{{ bounds[0] }}' and '{{ bounds[1] }}'
{%- endmacro %}
