"""Registry entries and files: where each sample file is and what shape it has.

Registry files (``pipelines/sources/registry/*.yaml``) are written by hand for real
publishers; for the samples they come from the same code that writes the files, so the two
cannot drift. A test compares the checked-in files of the embedded samples with
:func:`~.embedded.embedded_registry`; the benchmark writes its own registry folder.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pipelines.standard.samples.files import write_file
from pipelines.standard.samples.spec_columns import FILE_SLUGS
from pipelines.standard.tokyo import Municipality


@dataclass(frozen=True)
class RegistryEntrySpec:
    """One source entry of a registry file (``pipelines/sources/registry/*.yaml``).

    ``publisher_code`` says whose registry file the entry belongs in; it is not part of the
    entry itself (:meth:`to_dict` gives the entry exactly as the registry format has it).
    """

    publisher_code: str
    id: str
    dataset: str
    file: str
    format: str
    layout: str
    root: str = "landing"
    encoding: str | None = None
    sheet: str | None = None
    header_row: int = 1
    header_rows: int = 1
    columns: Mapping[str, str] = field(default_factory=dict)
    fixed: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The entry as the registry format writes it (keys in the order the checked-in files have)."""
        entry: dict[str, Any] = {"id": self.id, "dataset": self.dataset, "file": self.file, "root": self.root,
                                 "format": self.format}
        if self.format == "csv":
            entry["encoding"] = self.encoding or "auto"
        if self.sheet is not None:
            entry["sheet"] = self.sheet
        entry.update(header_row=self.header_row, header_rows=self.header_rows, layout=self.layout)
        if self.columns:
            entry["columns"] = dict(self.columns)
        if self.fixed:
            entry["fixed"] = dict(self.fixed)
        return entry


def registry_document(publisher: Municipality, entries: Iterable[RegistryEntrySpec | Mapping[str, Any]],
                      licence: str = "CC-BY-4.0") -> dict[str, Any]:
    """One registry YAML document (publisher, licence, sources) for ``publisher``."""
    sources = []
    for entry in entries:
        if isinstance(entry, RegistryEntrySpec):
            if entry.publisher_code != publisher.code:
                raise ValueError(f"entry {entry.id!r} belongs to {entry.publisher_code}, not {publisher.code}")
            sources.append(entry.to_dict())
        else:
            sources.append(dict(entry))
    return {"publisher": {"code": publisher.code, "name": publisher.full_name, "name_en": publisher.name_en},
            "licence": licence, "sources": sources}


def registry_file_name(publisher: Municipality) -> str:
    """``131041_shinjuku.yaml``: the registry file of a publisher."""
    return f"{publisher.code}_{publisher.slug}.yaml"


def registry_yaml(document: Mapping[str, Any], comment: str = "") -> str:
    """A registry document as YAML text, with an optional ``#`` comment on top."""
    head = "".join(f"# {line}".rstrip() + "\n" for line in comment.splitlines()) if comment else ""
    return head + yaml.safe_dump(dict(document), allow_unicode=True, sort_keys=False, width=4096)


def write_registry_files(folder: Path, publishers: Sequence[Municipality], entries: Sequence[RegistryEntrySpec],
                         licence: str = "CC-BY-4.0") -> list[Path]:
    """Write one registry file per publisher that has entries (for the benchmark's registry folder)."""
    paths = []
    for publisher in publishers:
        own = [e for e in entries if e.publisher_code == publisher.code]
        if own:
            text = registry_yaml(registry_document(publisher, own, licence),
                                 f"Benchmark registers of {publisher.full_name} (generated).")
            paths.append(write_file(folder / registry_file_name(publisher), text.encode("utf-8")))
    return paths


def entry_id(publisher: Municipality, set_id: str, with_code: bool) -> str:
    """``shinjuku-aed`` (embedded) or ``shinjuku-131041-aed`` (benchmark: slugs of made-up bodies may repeat)."""
    slug = FILE_SLUGS[set_id].replace("_", "-")
    return f"{publisher.slug}-{publisher.code}-{slug}" if with_code else f"{publisher.slug}-{slug}"
