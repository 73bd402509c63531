"""What every generated file depends on, and nothing else: the seed, its publisher and its set.

Each file draws from its own ``random.Random`` seeded by (seed, publisher, set), so adding a
publisher or a set never shifts another file's values and two runs write the same bytes.
:class:`FileContext` carries that stream with the publisher and remembers the names a file
has used, because a register does not list one facility twice.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from pipelines.standard.samples.places import GENERIC_TOWNS, TOWNS_BY_CODE, Place, Town, area_code, postal_prefix
from pipelines.standard.tokyo import Municipality

DEFAULT_SEED = 20231001
#: The 現在 of the samples: 令和5年10月1日 (population survey date, workbook titles).
AS_OF = date(2023, 10, 1)


def file_rng(seed: int, publisher: Municipality, set_id: str) -> random.Random:
    """Each file its own stream, so one file never shifts another's values."""
    return random.Random(f"tdpf-samples:{seed}:{publisher.code}:{set_id}")


class FileContext:
    """Per file: the publisher, the file's own random stream, its towns and the names used."""

    def __init__(self, publisher: Municipality, rng: random.Random) -> None:
        self.pub = publisher
        self.rng = rng
        self.names: set[str] = set()

    def towns(self, muni: Municipality | None = None) -> tuple[Town, ...]:
        return TOWNS_BY_CODE.get((muni or self.pub).code, GENERIC_TOWNS)

    def town(self, muni: Municipality | None = None) -> Town:
        return self.rng.choice(self.towns(muni))

    def place(self, muni: Municipality | None = None, town: Town | None = None, building_p: float = 0.15) -> Place:
        rng = self.rng
        muni = muni or self.pub
        town = town or self.town(muni)
        chome = rng.randint(1, town.chome) if town.chome else 0
        banchi = rng.randint(1, 40) if town.chome else rng.randint(100, 3200)
        go = rng.randint(1, 28) if town.chome and rng.random() < 0.8 else 0
        building = ""
        if rng.random() < building_p:
            floor = f"{rng.randint(1, 5)}階" if rng.random() < 0.6 else ""
            building = town.name + rng.choice(("ビル", "プラザ", "会館", "ハイツ")) + floor
        lat, lon = muni.random_point(rng)
        return Place(muni, town, chome, banchi, go, building, lat, lon, self.postal(muni))

    def postal(self, muni: Municipality | None = None) -> str:
        muni = muni or self.pub
        prefix = postal_prefix(muni)
        return prefix + "".join(str(self.rng.randint(0, 9)) for _ in range(7 - len(prefix)))

    def phone(self, muni: Municipality | None = None) -> str:
        area = area_code(muni or self.pub)
        first_len = {2: 4, 3: 3, 4: 2, 5: 1}[len(area)]
        first = str(self.rng.randint(2, 9)) + "".join(str(self.rng.randint(0, 9)) for _ in range(first_len - 1))
        return f"{area}-{first}-{self.rng.randint(0, 9999):04d}"

    def named(self, make: Callable[[Town], tuple[str, str, str]], tries: int = 12) -> tuple[Town, tuple[str, str, str]]:
        """A town and a name made from it that this file has not used yet (tries other towns first)."""
        for _ in range(tries):
            town = self.town()
            label = make(town)
            if label[0] not in self.names:
                self.names.add(label[0])
                return town, label
        return town, self.unique(*label)

    def unique(self, name: str, kana: str, en: str) -> tuple[str, str, str]:
        """Make a facility name unique in the file (``…第2`` as a last resort)."""
        candidate, n = (name, kana, en), 2
        while candidate[0] in self.names:
            candidate = (f"{name}第{n}", f"{kana}ダイ{n}", f"{en} {n}")
            n += 1
        self.names.add(candidate[0])
        return candidate

    def maybe(self, value: str, p: float = 0.5) -> str:
        """Half-filled optional cells: ``value`` with probability ``p``, else blank."""
        return value if self.rng.random() < p else ""
