"""Errors that point a person at the exact place in a source file.

Every bad input must be reported as *file:line:column* plus what was expected, so a data
engineer can open the file and fix it without reading a traceback from inside a library.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class SourceLocation:
    """Where a value sits in a landing file (1-based line and column, column = table cell)."""

    file: str
    line: int
    column: int | None = None

    def __str__(self) -> str:
        col = f":{self.column}" if self.column is not None else ""
        return f"{self.file}:{self.line}{col}"


class SourceFormatError(ValueError):
    """A value or a table in a landing file does not have the shape we expect.

    The message is complete on its own (location, table, column, the offending value and
    what was expected) because it is what the CLI and the Dagster UI show to the user.
    """

    def __init__(
        self,
        location: SourceLocation,
        expected: str,
        value: str | None = None,
        table: str | None = None,
        column_name: str | None = None,
    ) -> None:
        self.location = location
        self.expected = expected
        self.value = value
        self.table = table
        self.column_name = column_name
        super().__init__(self._render())

    def _render(self) -> str:
        parts = []
        if self.table:
            parts.append(f"table {self.table}")
        if self.column_name:
            parts.append(f"column {self.column_name!r}")
        where = f"{self.location}: {' '.join(parts)}" if parts else str(self.location)
        found = f"; found {self.value!r}" if self.value is not None else ""
        return f"{where}: expected {self.expected}{found}"


class ValueFormatError(ValueError):
    """A single cell value could not be parsed; the caller adds the location."""

    def __init__(self, expected: str, value: str) -> None:
        self.expected = expected
        self.value = value
        super().__init__(f"expected {expected}; found {value!r}")
