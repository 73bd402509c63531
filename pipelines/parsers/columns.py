"""Column documentation carried on row dataclasses.

Raw tables are created from their row dataclass (``pipelines.warehouse``); the description in
each field's metadata becomes the column comment and the Dagster schema description, so a
column is documented once, next to its type.
"""

from __future__ import annotations


def described(description: str) -> dict[str, str]:
    """Field metadata holding the column's description: ``field(metadata=described(...))``."""
    return {"description": description}
