"""Know what a file is before parsing it: the first bytes against what the registry declares.

Why: a parser given the wrong kind of file either fails with its own words (``BadZipFile``,
``field larger than field limit``) or, worse, succeeds: an HTML error page saved as ``.csv``
parses as a one-column CSV whose rows are markup, and would publish as empty rows. A file's
first bytes say what it is far more reliably than its name, so each source is checked first and
a mismatch is a source error naming what was found ("an HTML page", "a PDF document", "an Excel
97–2003 workbook"), which is what a person fixing the registry or asking the publisher needs.
Only the head of the file is read: a 2 GB file of zeros is refused after 4 KiB.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipelines.parsers.errors import SourceFormatError, SourceLocation

HEAD_BYTES = 4096
ZIP_MAGIC = b"PK\x03\x04"
_MARKUP = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body|<\?xml|<!--|<table|<div|<script)", re.IGNORECASE)
#: (leading bytes, what a person would call that file); checked in order.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (ZIP_MAGIC, "a ZIP archive (an .xlsx workbook, or a zipped download)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Excel 97–2003 (.xls) workbook or another OLE2 document"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\xff\xfe", "UTF-16 text (little-endian BOM)"),
    (b"\xfe\xff", "UTF-16 text (big-endian BOM)"),
)
_EXPECTED = {
    "csv": "a CSV text file (UTF-8 or Shift_JIS) with a header row",
    "xlsx": "an Excel workbook (.xlsx, a ZIP archive)",
    "geojson": "a GeoJSON FeatureCollection (JSON text)",
}


def what_it_is(head: bytes) -> str | None:
    """A person's name for the kind of file ``head`` starts, when it is recognisably one; else None."""
    for magic, name in _SIGNATURES:
        if head.startswith(magic):
            return name
    text = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    if _MARKUP.match(text):
        return "an HTML or XML page (an error page or a web page saved under the register's name?)"
    if head.count(b"\x00") > max(2, len(head) // 50):  # a stray NUL in a cell is a text file's defect, not binary
        return "binary data (NUL bytes)"
    return None


def check_kind(path: Path, label: str, declared: str) -> None:
    """Raise a ``SourceFormatError`` unless the file looks like the ``declared`` format (csv, xlsx)."""
    size = path.stat().st_size
    if size == 0:
        raise SourceFormatError(SourceLocation(label, 1), _EXPECTED[declared], value="an empty file (0 bytes)")
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    found = what_it_is(head)
    if declared == "xlsx":
        if not head.startswith(ZIP_MAGIC):
            raise SourceFormatError(SourceLocation(label, 1), _EXPECTED[declared],
                                    value=found or "text, not a workbook (a CSV declared as xlsx?)")
        return
    if found is not None:
        raise SourceFormatError(SourceLocation(label, 1), _EXPECTED[declared], value=found)
    if declared == "geojson" and not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        raise SourceFormatError(SourceLocation(label, 1), _EXPECTED[declared],
                                value="text that is not a JSON object (a CSV declared as geojson?)")
