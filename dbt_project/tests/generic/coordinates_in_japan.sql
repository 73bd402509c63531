{#- Points lie inside Japan's extent (沖ノ鳥島 to 択捉島, 与那国島 to 南鳥島): latitude 20–46, longitude 122–154. -#}
{% test coordinates_in_japan(model, latitude, longitude) %}
select {{ latitude }} as latitude, {{ longitude }} as longitude
from {{ model }}
where ({{ latitude }} is null) <> ({{ longitude }} is null)
   or try_cast({{ latitude }} as double) not between 20 and 46
   or try_cast({{ longitude }} as double) not between 122 and 154
   or ({{ latitude }} is not null and try_cast({{ latitude }} as double) is null)
   or ({{ longitude }} is not null and try_cast({{ longitude }} as double) is null)
{% endtest %}
