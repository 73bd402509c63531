"""A bounded, thread-safe memory of finished answers, for what is built from immutable releases.

The engine remembers counts and facets of release tables, the catalogue list its bodies: both are
right for as long as their key holds, so the only question is how many to keep.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any


class AnswerCache:
    """Finished answers by key, the least recently used dropped beyond ``size`` (thread-safe)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._answers: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        """The answer kept for ``key``, or None."""
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
            return answer

    def put(self, key: Hashable, answer: Any) -> None:
        with self._lock:
            self._answers[key] = answer
            while len(self._answers) > self.size:
                self._answers.popitem(last=False)
