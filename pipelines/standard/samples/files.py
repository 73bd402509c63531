"""Where sample files go and how their bytes are written.

Files land under ``municipal/<code>/`` as ``<code>_<slug>.csv``, the way bodies name published
files (spec §1 "File name"). CSV has CRLF line ends, as Excel and municipal systems write it,
and is encoded strictly: a character CP932 lacks must fail here, not become ``?`` in a sample.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pipelines.standard.samples.spec_columns import FILE_SLUGS
from pipelines.standard.tokyo import Municipality


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]], encoding: str) -> bytes:
    """A CSV file's bytes: header and rows, CRLF line ends, ``encoding`` applied strictly."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)  # strict: a character CP932 lacks is a bug here


def write_file(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` (folders made as needed) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def municipal_dir(publisher: Municipality) -> str:
    """``municipal/131041``: a publisher's folder in the landing area."""
    return f"municipal/{publisher.code}"


def csv_file(pub: Municipality, set_id: str) -> str:
    """``municipal/131041/131041_aed.csv``: a publisher's CSV file of a set."""
    return f"{municipal_dir(pub)}/{pub.code}_{FILE_SLUGS[set_id]}.csv"
