"""Give memory back between the steps of a build, which all run in one long-lived process.

A build's steps run one after another in the same process (Dagster's in-process executor), so
the largest step sets the floor for every later one unless what it freed goes back to the
system: Python frees the objects, but glibc keeps the freed pages of a heavy step (a large
register's strings, a gate's pandas frames) for reuse. ``malloc_trim`` hands them back.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools


@functools.lru_cache(maxsize=1)
def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name) if name else None
    except OSError:
        return None


def release_memory() -> None:
    """Return free heap pages to the system, where the C library can (~2 ms).

    No ``gc.collect()``: reference counting already freed the rows and frames of a step (they hold
    no cycles), and a full collection of a loaded build process costs ~0.2 s a step.
    """
    libc = _libc()
    trim = getattr(libc, "malloc_trim", None) if libc is not None else None
    if trim is not None:
        trim(0)


def _after_step(context: object) -> None:
    release_memory()


def memory_hooks() -> set[object]:
    """Hooks that give memory back after every step, whether it succeeded or failed (see the module docstring)."""
    import dagster as dg

    return {dg.success_hook(name="release_memory_on_success")(_after_step),
            dg.failure_hook(name="release_memory_on_failure")(_after_step)}
