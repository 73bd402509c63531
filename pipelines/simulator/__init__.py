"""A deterministic, seeded simulator of the 西新宿 smart-pole feeds.

No real feed of the Nishi-Shinjuku smart poles can be reached, so the project ships this
simulator: a register of 29 poles (9 of FY2020, 20 of FY2021), one-minute readings with
Tokyo-like weather and foot traffic, three vendor formats, and injected faults with a
ground-truth log. See ``docs/smart-poles-feeds.md``.

Modules: ``poles`` (the register), ``signals`` (vectorised signal models), ``faults``
(fault planning, injection and the log), ``writers`` (the three formats), ``run``
(:func:`simulate`).
"""

from pipelines.simulator.faults import FAULT_KINDS, FaultRates
from pipelines.simulator.poles import FEED_FORMATS, POLES, Pole
from pipelines.simulator.run import DEFAULT_SEED, SimulationSummary, simulate

__all__ = [
    "DEFAULT_SEED", "FAULT_KINDS", "FEED_FORMATS", "POLES", "FaultRates", "Pole", "SimulationSummary", "simulate",
]
