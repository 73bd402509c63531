-- The pole register as a point dataset (WGS84).
select pole_id, name, name_en, pole_type, vendor, installed_fiscal_year, latitude, longitude,
       replace(sensors, '|', ' ') as sensors
from {{ ref('stg_smart_poles__register') }}
