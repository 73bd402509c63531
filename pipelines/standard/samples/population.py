"""地域・年齢別人口: per-area counts by 5-year band and sex that add up.

Areas are the publisher's 丁目 in order (``四谷1丁目``), as population registers list them;
the counts follow an urban age profile with noise, and 総人口 / 男性 / 女性 are the sums of the
bands, so a sample never fails a totals check for a reason real files would not.
"""

from __future__ import annotations

from typing import Any

from pipelines.standard.samples.file_context import AS_OF, FileContext
from pipelines.standard.samples.spec_columns import AGE_BANDS

#: Share of each 5-year band (urban Tokyo-like profile, 0-4 … 85+).
_AGE_PROFILE = (3.4, 3.2, 3.0, 3.6, 7.6, 9.4, 8.4, 7.6, 7.4, 8.0, 7.4, 6.0, 5.0, 4.6, 4.8, 3.8, 2.6, 2.2)


def _population_areas(ctx: FileContext, n: int) -> list[tuple[str, str]]:
    """(地域コード, 地域名) for n areas: each town's 丁目 in order, then further 丁目 if needed."""
    areas: list[tuple[str, str]] = []
    towns = ctx.towns()
    limit = 0
    while len(areas) < n:
        limit += 1
        for ti, town in enumerate(towns):
            chome_count = town.chome if town.chome else 1
            if limit == 1:
                numbers = range(1, chome_count + 1) if town.chome else [0]
            else:  # more areas than the towns have: further 丁目
                numbers = [chome_count + limit - 1]
            for c in numbers:
                name = f"{town.name}{c}丁目" if c else town.name
                areas.append((f"{ti + 1:03d}{c:03d}", name))
        if limit > 200:
            break
    return areas[:n]


def population_records(ctx: FileContext, n: int) -> list[dict[str, Any]]:
    """``n`` areas' records, each band drawn around the profile and the totals summed from the bands."""
    rng = ctx.rng
    records = []
    weight_total = sum(_AGE_PROFILE)
    for i, (code, name) in enumerate(_population_areas(ctx, n)):
        total = rng.randint(200, 6000)
        r: dict[str, Any] = {"全国地方公共団体コード": ctx.pub.code, "地域コード": code, "地方公共団体名": ctx.pub.full_name,
                             "調査年月日": AS_OF.isoformat(), "地域名": name, "_no": i + 1}
        male = female = 0
        for band, w in zip(AGE_BANDS, _AGE_PROFILE, strict=True):
            m = round(total / 2 * w / weight_total * rng.uniform(0.75, 1.2))
            f = round(total / 2 * w / weight_total * rng.uniform(0.75, 1.3))
            r[f"{band}の男性"], r[f"{band}の女性"] = str(m), str(f)
            male, female = male + m, female + f
        r["総人口"], r["男性"], r["女性"] = str(male + female), str(male), str(female)
        r["世帯数"] = str(round((male + female) / rng.uniform(1.5, 2.3)))
        records.append(r)
    return records
