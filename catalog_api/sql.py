"""Names and literals in DuckDB SQL, for the few places a value cannot be a bound parameter.

Column names are identifiers (Japanese ones need quoting) and COPY's file name takes no
parameter. Both only ever come from a schema or the release store, never from a request.
"""

from __future__ import annotations


def quote_ident(name: str) -> str:
    """A column or table name as an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def sql_literal(text: str) -> str:
    """Text as an SQL string literal, for the statements that take no parameters (COPY, COMMENT)."""
    return "'" + text.replace("'", "''") + "'"
