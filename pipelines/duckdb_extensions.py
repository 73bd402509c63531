"""Loading DuckDB extensions without the network.

``INSTALL`` downloads from DuckDB's extension server, which this platform cannot reach (and
production machines should not depend on). The extensions come as PyPI wheels
(``duckdb-extension-<name>``, pinned to the exact DuckDB version) and are loaded by path.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import duckdb


class ExtensionMissing(RuntimeError):
    """The wheel for an extension is not installed, or not for this DuckDB version."""


def extension_path(name: str) -> Path:
    """Path of the ``name`` extension binary shipped by the ``duckdb-extension-<name>`` wheel."""
    spec = importlib.util.find_spec(f"duckdb_extension_{name}")
    if spec is None or spec.origin is None:
        raise ExtensionMissing(
            f"DuckDB extension {name!r}: package duckdb-extension-{name} is not installed "
            "(it is a dependency in pyproject.toml; run make to reinstall)"
        )
    path = Path(spec.origin).parent / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    if not path.exists():
        raise ExtensionMissing(
            f"DuckDB extension {name!r} has no binary for DuckDB {duckdb.__version__} at {path}; "
            "the extension wheels must match the pinned duckdb version"
        )
    return path


def load_extensions(conn: duckdb.DuckDBPyConnection, *names: str) -> None:
    """Load each extension into ``conn`` from its wheel (a no-op if already loaded)."""
    for name in names:
        conn.execute(f"LOAD '{extension_path(name)}'")
