select
    pole_id,
    name,
    name_en,
    pole_type,
    vendor,
    cast(installed_fiscal_year as integer) as installed_fiscal_year,
    latitude,
    longitude,
    sensors,
    feed_format
from {{ source('smart_poles', 'smart_pole_register') }}
