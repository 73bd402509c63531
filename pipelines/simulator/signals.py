"""Vectorised signal models: one JST day of 1-minute readings for one pole.

Every series is a numpy array over the 1440 minutes of a JST calendar day. Randomness
comes from generators seeded by ``(seed, pole index, day ordinal)`` for what is local to a
pole and by ``(seed, stream, day ordinal)`` for the city-wide weather, so a day's readings
never depend on which other days or poles are generated: a one-day run reproduces the
same day of a month-long run byte for byte.

Day-to-day continuity without shared state: slow quantities (pressure, PM2.5, the
temperature anomaly, cloudiness) have *anchors* at each midnight, drawn from a generator
seeded by that midnight alone; within the day they move from one anchor to the next
(Brownian bridges, linear blends), so two independently generated days meet at midnight.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta, timezone

import numpy as np

from pipelines.simulator.poles import Pole

MINUTES_PER_DAY = 1440
JST = timezone(timedelta(hours=9), "JST")

#: Canonical metrics in output order (CSV columns, NGSI attributes).
METRICS: tuple[str, ...] = (
    "temperature", "humidity", "pressure", "illuminance", "noise", "pm25",
    "people_northbound", "people_southbound", "wifi_connections",
)

#: Which metrics a register sensor produces.
SENSOR_METRICS: dict[str, tuple[str, ...]] = {
    "temperature": ("temperature",),
    "humidity": ("humidity",),
    "pressure": ("pressure",),
    "illuminance": ("illuminance",),
    "noise": ("noise",),
    "pm25": ("pm25",),
    "people": ("people_northbound", "people_southbound"),
    "wifi": ("wifi_connections",),
}

#: Decimals each metric is rounded to in its canonical unit (0 = integer).
DECIMALS: dict[str, int] = {
    "temperature": 1, "humidity": 1, "pressure": 1, "illuminance": 0, "noise": 1, "pm25": 1,
    "people_northbound": 0, "people_southbound": 0, "wifi_connections": 0,
}

#: Canonical units (JSONL spelling).
CANONICAL_UNIT: dict[str, str] = {
    "temperature": "degC", "humidity": "pct", "pressure": "hPa", "illuminance": "lx", "noise": "dB",
    "pm25": "ug/m3", "people_northbound": "persons", "people_southbound": "persons",
    "wifi_connections": "connections",
}

#: Tokyo (大手町/北の丸公園) monthly mean temperature, °C, JMA normals 1991–2020.
TOKYO_MONTHLY_TEMP = (5.4, 6.1, 9.4, 14.3, 18.8, 21.9, 25.7, 26.9, 23.3, 18.0, 12.5, 7.7)
#: Tokyo monthly mean relative humidity, %, JMA normals 1991–2020.
TOKYO_MONTHLY_RH = (51.0, 52.0, 57.0, 62.0, 68.0, 75.0, 76.0, 74.0, 75.0, 71.0, 64.0, 56.0)
#: Day of year of each month's middle, where the monthly normal is placed.
_MID_MONTH_DOY = np.array([15.5, 45.0, 74.5, 105.0, 135.5, 166.0, 196.5, 227.5, 258.0, 288.5, 319.0, 349.5])

#: Latitude/longitude of the 西新宿 centre used for the sun (the poles are < 1.5 km apart).
SITE_LAT = 35.69
SITE_LON = 139.69

# Seed stream tags (poles use 1–29 in the same position, so these never collide).
_WEATHER_ANCHOR = 1000
_WEATHER_DAY = 1001


def pole_metrics(pole: Pole) -> tuple[str, ...]:
    """The metrics a pole reports, in canonical order."""
    carried = {m for s in pole.sensors for m in SENSOR_METRICS[s]}
    return tuple(m for m in METRICS if m in carried)


# --- Calendar ----------------------------------------------------------------------------

def _nth_weekday(year: int, month: int, n: int, weekday: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def japanese_holidays(year: int) -> set[date]:
    """National holidays (国民の祝日) plus 振替休日 and 国民の休日, for 2020–2099.

    Foot traffic and street noise follow the calendar, not the weekday: 文化の日 (3 Nov)
    on a Tuesday looks like a Sunday at the station exit. Equinox days use the usual
    astronomical approximation (valid 1980–2099). The 2020/2021 Olympic moves are ignored.
    """
    dy = year - 1980
    base = {
        date(year, 1, 1), _nth_weekday(year, 1, 2, 0), date(year, 2, 11), date(year, 2, 23),
        date(year, 3, int(20.8431 + 0.242194 * dy - dy // 4)), date(year, 4, 29),
        date(year, 5, 3), date(year, 5, 4), date(year, 5, 5), _nth_weekday(year, 7, 3, 0),
        date(year, 8, 11), _nth_weekday(year, 9, 3, 0),
        date(year, 9, int(23.2488 + 0.242194 * dy - dy // 4)), _nth_weekday(year, 10, 2, 0),
        date(year, 11, 3), date(year, 11, 23),
    }
    days = set(base)
    for d in sorted(base):  # 振替休日: a holiday on Sunday moves to the next non-holiday
        if d.weekday() == 6:
            nxt = d + timedelta(days=1)
            while nxt in days:
                nxt += timedelta(days=1)
            days.add(nxt)
    for d in sorted(base):  # 国民の休日: a weekday between two holidays
        between = d + timedelta(days=1)
        if between not in days and d + timedelta(days=2) in base and between.weekday() != 6:
            days.add(between)
    return days


def is_day_off(day: date) -> bool:
    """Saturday, Sunday or a Japanese national holiday."""
    return day.weekday() >= 5 or day in japanese_holidays(day.year)


# --- Small vectorised helpers -----------------------------------------------------------

def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _bump(hours: np.ndarray, centre: float, width: float) -> np.ndarray:
    """A Gaussian bump in clock hours (peak 1)."""
    return np.exp(-0.5 * ((hours - centre) / width) ** 2)


def _plateau(hours: np.ndarray, start: float, end: float, edge: float = 0.5) -> np.ndarray:
    """≈1 between ``start`` and ``end`` o'clock with soft edges, ≈0 outside."""
    return _sigmoid((hours - start) / edge) * _sigmoid((end - hours) / edge)


def ar1(rng: np.random.Generator, n: int, phi: float, sd: float) -> np.ndarray:
    """A stationary AR(1) series (standard deviation ``sd``) without a Python loop.

    x_t = phi·x_{t-1} + e_t is x_t = phi^t · Σ_{k≤t} phi^{-k} e_k: one cumulative sum.
    The sum is computed in blocks of 128 so phi^{-k} stays small and float64 stays exact
    enough whatever ``phi``.
    """
    e = rng.normal(0.0, sd * np.sqrt(1.0 - phi * phi), n)
    e[0] = rng.normal(0.0, sd)
    out = np.empty(n)
    prev = 0.0
    for start in range(0, n, 128):
        block = e[start:start + 128]
        powers = phi ** np.arange(block.size)
        out[start:start + block.size] = powers * (prev * phi + np.cumsum(block / powers))
        prev = out[start + block.size - 1]
    return out


def _bridge(rng: np.random.Generator, n: int, step_sd: float) -> np.ndarray:
    """A random walk pinned to 0 at both ends (a Brownian bridge over the day)."""
    walk = np.cumsum(rng.normal(0.0, step_sd, n))
    t = np.arange(n) / (n - 1)
    return walk - walk[0] - t * (walk[-1] - walk[0])


def _three_point(start: float, middle: float, end: float, n: int = MINUTES_PER_DAY) -> np.ndarray:
    """Piecewise-linear from ``start`` at 00:00 through ``middle`` at 12:00 to ``end`` at 24:00."""
    t = np.arange(n) / n
    return np.where(t < 0.5, start + (middle - start) * t * 2, middle + (end - middle) * (t - 0.5) * 2)


def round_metric(values: np.ndarray, decimals: int) -> np.ndarray:
    """Round to the metric's resolution; ``+ 0.0`` turns ``-0.0`` into ``0.0``."""
    return np.round(values, decimals) + 0.0


# --- City-wide weather -------------------------------------------------------------------

@dataclass(frozen=True)
class _Anchor:
    """Weather state at one midnight (00:00 JST of the day with this ordinal)."""

    temp_anomaly: float
    pressure: float
    pm25: float


def _anchor(seed: int, ordinal: int) -> _Anchor:
    """The weather at a midnight: a 3-day moving average of per-midnight draws.

    Averaging the draws of this midnight and the two before keeps day-to-day changes
    realistic (pressure moves ~4 hPa from one midnight to the next, not ~8) while each
    anchor still depends on nothing but the seed and three ordinals.
    """
    z = np.array([np.random.default_rng([seed, _WEATHER_ANCHOR, ordinal - k]).normal(size=3) for k in range(3)])
    temp_z, pressure_z, pm_z = z.mean(axis=0) * np.sqrt(3.0)  # back to unit variance
    return _Anchor(
        temp_anomaly=float(1.8 * temp_z),
        pressure=float(np.clip(1014.0 + 5.5 * pressure_z, 996.0, 1030.0)),
        pm25=float(np.clip(11.0 * np.exp(0.35 * pm_z), 5.0, 22.0)),
    )


def _cloudiness(seed: int, ordinal: int) -> float:
    """Daily cloud cover 0 (clear) … 1 (overcast); the first draw of the day's weather stream."""
    return float(np.random.default_rng([seed, _WEATHER_DAY, ordinal]).beta(0.8, 0.8))


def seasonal_mean(doy: np.ndarray, monthly: tuple[float, ...]) -> np.ndarray:
    """Periodic linear interpolation of monthly normals to (fractional) days of the year."""
    xp = np.concatenate([_MID_MONTH_DOY - 365.0, _MID_MONTH_DOY, _MID_MONTH_DOY + 365.0])
    fp = np.tile(np.asarray(monthly, dtype=float), 3)
    return np.interp(doy, xp, fp)


def diurnal_shape(hours: np.ndarray) -> np.ndarray:
    """−1 at 05:00, +1 at 14:00: a 9-hour rise and a 15-hour fall (half cosines), mean 0."""
    x = (hours - 5.0) % 24.0
    return np.where(x <= 9.0, -np.cos(np.pi * x / 9.0), np.cos(np.pi * (x - 9.0) / 15.0))


def solar_elevation_sine(day: date, hours: np.ndarray, lat: float = SITE_LAT, lon: float = SITE_LON) -> np.ndarray:
    """Sine of the sun's elevation at JST clock ``hours`` (NOAA's low-precision formulae)."""
    doy = day.timetuple().tm_yday
    gamma = 2.0 * np.pi / 365.0 * (doy - 1 + (hours - 12.0) / 24.0)
    decl = (0.006918 - 0.399912 * np.cos(gamma) + 0.070257 * np.sin(gamma) - 0.006758 * np.cos(2 * gamma)
            + 0.000907 * np.sin(2 * gamma) - 0.002697 * np.cos(3 * gamma) + 0.00148 * np.sin(3 * gamma))
    eqtime = 229.18 * (0.000075 + 0.001868 * np.cos(gamma) - 0.032077 * np.sin(gamma)
                       - 0.014615 * np.cos(2 * gamma) - 0.040849 * np.sin(2 * gamma))
    true_solar_minutes = hours * 60.0 + eqtime + 4.0 * lon - 60.0 * 9.0
    hour_angle = np.radians(true_solar_minutes / 4.0 - 180.0)
    phi = np.radians(lat)
    return np.sin(phi) * np.sin(decl) + np.cos(phi) * np.cos(decl) * np.cos(hour_angle)


@dataclass(frozen=True)
class DayContext:
    """Everything shared by all poles on one JST day: calendar, sun, city-wide weather.

    Built once per day and reused for the 29 poles (the expensive, pole-independent part).
    """

    day: date
    day_off: bool
    hours: np.ndarray
    cloud: float
    temp_city: np.ndarray
    temp_daily_mean: np.ndarray
    rh_base: np.ndarray
    pressure_city: np.ndarray
    pm25_city: np.ndarray
    clear_sky_lux: np.ndarray
    cloud_transmission: np.ndarray
    people_rate: np.ndarray
    direction: np.ndarray
    noise_activity: np.ndarray
    noise_day_level: float
    office_wifi: np.ndarray


def day_context(seed: int, day: date) -> DayContext:
    """The city-wide state of ``day``, from generators seeded by the day (and its midnights)."""
    n = MINUTES_PER_DAY
    ordinal = day.toordinal()
    hours = np.arange(n) / 60.0
    day_off = is_day_off(day)
    a0, a1 = _anchor(seed, ordinal), _anchor(seed, ordinal + 1)
    cloud_prev, cloud, cloud_next = (_cloudiness(seed, ordinal + k) for k in (-1, 0, 1))
    rng = np.random.default_rng([seed, _WEATHER_DAY, ordinal])
    rng.beta(0.8, 0.8)  # the cloudiness draw, already taken by _cloudiness

    # Temperature: seasonal normal + anomaly blended between midnights + diurnal cycle
    # whose amplitude (6 °C overcast … 9 °C clear) is blended through midnight too.
    doy = day.timetuple().tm_yday + hours / 24.0
    cloud_curve = _three_point((cloud_prev + cloud) / 2, cloud, (cloud + cloud_next) / 2)
    anomaly = a0.temp_anomaly + (a1.temp_anomaly - a0.temp_anomaly) * np.arange(n) / n
    daily_mean = seasonal_mean(doy, TOKYO_MONTHLY_TEMP) + anomaly
    amplitude = 6.0 + 3.0 * (1.0 - cloud_curve)
    temp_city = daily_mean + amplitude / 2.0 * diurnal_shape(hours)
    rh_base = seasonal_mean(doy, TOKYO_MONTHLY_RH) + 22.0 * (cloud_curve - 0.5)

    # Pressure: bridge between midnight anchors + the semi-diurnal atmospheric tide.
    pressure = (a0.pressure + (a1.pressure - a0.pressure) * np.arange(n) / n + _bridge(rng, n, 0.045)
                + 0.6 * np.cos(4.0 * np.pi * (hours - 10.0) / 24.0))
    pm_traffic = 0.0 if day_off else 2.5 * (_bump(hours, 8.5, 1.2) + 0.7 * _bump(hours, 18.5, 1.5))
    pm25 = np.maximum(a0.pm25 + (a1.pm25 - a0.pm25) * np.arange(n) / n + _bridge(rng, n, 0.09) + pm_traffic, 2.0)

    # Daylight: clear-sky illuminance (≈80,000 lx at a summer noon) with twilight, dimmed
    # by the day's cloud and by passing clouds (a slow multiplicative AR(1)).
    sin_elev = solar_elevation_sine(day, hours)
    clear = 85_000.0 * np.clip(sin_elev, 0.0, None) ** 1.15
    twilight = (sin_elev > -0.1045) & (sin_elev <= 0.0)
    clear = np.where(twilight, 300.0 * ((sin_elev + 0.1045) / 0.1045) ** 2, clear)
    passing = np.exp(ar1(rng, n, 0.97, 0.1 + 0.35 * cloud))
    transmission = np.clip((1.0 - 0.8 * cloud) * passing, 0.05, 1.1)

    # People (persons/minute, both directions, for a pole of scale 1).
    if day_off:
        people = 0.3 + 2.0 * _plateau(hours, 9.0, 21.0, 0.8) + 9.0 * _bump(hours, 13.5, 2.0)
        direction = np.zeros(n)
    else:
        people = (0.3 + 4.0 * _plateau(hours, 7.0, 21.0, 0.6) + 22.0 * _bump(hours, 8.75, 0.45)
                  + 7.0 * _bump(hours, 12.3, 0.5) + 16.0 * _bump(hours, 18.5, 0.6))
        direction = _bump(hours, 8.75, 1.0) - _bump(hours, 18.5, 1.2)
    noise_activity = _sigmoid((hours - 6.5) / 0.6) * _sigmoid((21.5 - hours) / 0.9)
    office = (1.0 if day_off else 2.0) + (1.0 if day_off else 6.0) * _plateau(hours, 8.0, 19.0, 0.7)
    return DayContext(
        day=day, day_off=day_off, hours=hours, cloud=cloud, temp_city=temp_city,
        temp_daily_mean=daily_mean, rh_base=rh_base, pressure_city=pressure, pm25_city=pm25,
        clear_sky_lux=clear, cloud_transmission=transmission, people_rate=people,
        direction=direction, noise_activity=noise_activity,
        noise_day_level=65.0 if day_off else 69.0, office_wifi=office,
    )


# --- One pole, one day --------------------------------------------------------------------

def generate_pole_day(pole: Pole, ctx: DayContext, seed: int) -> dict[str, np.ndarray]:
    """Canonical, rounded readings of ``pole`` for ``ctx.day``: metric → array of 1440.

    Every model is drawn, in a fixed order, whether or not the pole carries the sensor, so a
    pole's random stream is the same whatever its sensor list; only carried metrics are
    returned. Values are in canonical units and rounded to their resolution (integers for
    lux and counts, held as floats).
    """
    n = MINUTES_PER_DAY
    rng = np.random.default_rng([seed, pole.index, ctx.day.toordinal()])
    calib = ((pole.index * 37) % 9 - 4) * 0.1  # fixed per-device calibration offsets
    out: dict[str, np.ndarray] = {}

    temperature = ctx.temp_city + pole.temp_offset + ar1(rng, n, 0.97, 0.25) + rng.normal(0.0, 0.04, n)
    out["temperature"] = temperature
    humidity = (ctx.rh_base - 3.0 * (temperature - ctx.temp_daily_mean) - 2.0 * pole.temp_offset
                + ar1(rng, n, 0.98, 2.0))
    out["humidity"] = np.clip(humidity, 12.0, 100.0)
    out["pressure"] = ctx.pressure_city + calib + rng.normal(0.0, 0.04, n)

    lux = ctx.clear_sky_lux * ctx.cloud_transmission * pole.shade * (1.0 + rng.normal(0.0, 0.03, n))
    out["illuminance"] = np.maximum(lux, 0.0)

    events = (rng.random(n) < 0.02 * ctx.noise_activity) * np.minimum(rng.exponential(4.0, n), 15.0)
    noise = (45.0 + (ctx.noise_day_level - 45.0) * ctx.noise_activity + pole.noise_offset
             + ar1(rng, n, 0.9, 1.5) + events)
    out["noise"] = np.clip(noise, 35.0, 110.0)
    out["pm25"] = np.maximum(ctx.pm25_city + ((pole.index * 53) % 7 - 3) * 0.4 + ar1(rng, n, 0.95, 1.2), 1.0)

    rate = pole.people_scale * ctx.people_rate * np.exp(ar1(rng, n, 0.95, 0.15))
    north_share = np.clip(0.5 + (pole.north_share_am - 0.5) * ctx.direction, 0.05, 0.95)
    north = rng.poisson(rate * north_share)
    south = rng.poisson(rate * (1.0 - north_share))
    out["people_northbound"] = north.astype(float)
    out["people_southbound"] = south.astype(float)

    # Phones in range: people passing in the last few minutes (a 5-minute window of the
    # expected flow) times a Wi-Fi uptake share, plus office/shop devices nearby.
    kernel = np.ones(5) / 5.0
    present = np.convolve(np.concatenate([rate[:1].repeat(4), rate]), kernel, mode="valid") * 2.5
    out["wifi_connections"] = rng.poisson(0.3 * present + ctx.office_wifi * (0.5 + pole.people_scale / 2)).astype(float)

    return {m: round_metric(out[m], DECIMALS[m]) for m in pole_metrics(pole)}
