"""Turn one register file into rows of a standard set: map columns, normalise cells, quarantine.

The column plan comes from the registry entry's layout: ``current`` files already use the
正式版 names (matched after NFKC, so full-width brackets in a header still match), ``legacy``
files use the 推奨データセット names and get the mapping shipped in the spec file, ``custom``
files name their own columns in the registry. A row that cannot be made conformant is
quarantined whole, with every reason, file, line and column; the rest of the file goes on.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.parsers.errors import SourceFormatError, SourceLocation, ValueFormatError
from pipelines.standard.normalise import Normalised, check_digit, check_pair, normalise
from pipelines.standard.readers import SourceRow, SourceTable
from pipelines.standard.registry import Source
from pipelines.standard.spec import SpecColumn, StandardSet
from pipelines.standard.pivot import pivot_long
from pipelines.standard.repeats import repeated_keys
from pipelines.standard.spool import RowSpool, Spool

#: Kinds whose bad values make a row non-conformant: a wrong code, date or position would
#: mislead (a shelter on the wrong map tile), so the row is quarantined whole. Any other bad
#: value is blanked with a warning: a count written as prose should not hide the shelter.
BLOCKING_KINDS = frozenset({"lg_code", "date", "latitude", "longitude"})
#: Registers repeat themselves (the same 有/無, town names, blank cells in every row): a value
#: normalised once is not normalised again — per kind (and allowed values), up to a bound, then
#: the cache starts afresh. Errors are not cached; they are rare and re-raised.
_CACHES: dict[tuple[str, tuple[str, ...] | None], dict[str, Normalised]] = {}
_CACHE_LIMIT = 1 << 14
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
#: Every reason an issue can give (docs/standard-sets.md explains each; a test keeps them in step).
ISSUE_REASONS = ("bad_value", "bad_coordinates", "wrong_publisher", "duplicate_id", "ragged_row",
                 "source_skipped", "repaired", "bad_header", "control_characters", "not_pivoted")
REQUIRED = "必須"
#: C0/C1 control characters other than tab, newline and carriage return (NUL, BEL, ESC, DEL …):
#: invisible in a spreadsheet, they break terminals, XML and the systems that read our files.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
PUBLISHER_CODE = "全国地方公共団体コード"
PUBLISHER_NAME = "地方公共団体名"


@dataclass(frozen=True)
class Cell:
    """Where a standard column's text comes from: source columns (0-based) joined, or a constant."""

    parts: tuple[int | str, ...]  # an int is a source column index; a str is literal text
    first_column: int | None = field(init=False, compare=False)  # 1-based, for issues
    single: int | None = field(init=False, compare=False)  # the one source column, when that is all

    def __post_init__(self) -> None:
        # computed once: text() runs for every cell of every row
        object.__setattr__(self, "first_column", next((p + 1 for p in self.parts if isinstance(p, int)), None))
        only = self.parts[0] if len(self.parts) == 1 and isinstance(self.parts[0], int) else None
        object.__setattr__(self, "single", only)

    def text(self, cells: Sequence[str]) -> str:
        if self.single is not None:
            return cells[self.single] if self.single < len(cells) else ""
        values = [cells[p] if isinstance(p, int) and p < len(cells) else p if isinstance(p, str) else ""
                  for p in self.parts]
        sources = [cells[p] if p < len(cells) else "" for p in self.parts if isinstance(p, int)]
        if sources and not any(v.strip() for v in sources):
            return ""  # a template over empty cells is empty, not its literal glue
        return "".join(values)


@dataclass(frozen=True)
class Issue:
    """A rejected or repaired value, pinned to its place in the source file."""

    severity: str  # error (row quarantined) | warning (value blanked) | repair (value fixed)
    reason: str
    line: int
    column: int | None
    column_name: str | None
    value: str | None
    message: str

    def __post_init__(self) -> None:
        if self.reason not in ISSUE_REASONS:
            raise ValueError(f"undocumented issue reason {self.reason!r}; add it to ISSUE_REASONS and the docs")


def _issue_row(i: Issue) -> tuple[int, int | None, str | None, str | None, str, str, str]:
    return (i.line, i.column, i.column_name, i.value, i.severity, i.reason, i.message)


class IssueLog:
    """A source's issues, spooled like its rows (a repair on every row of a big file adds up)."""

    def __init__(self, directory: Path | None = None) -> None:
        # stored in the issues table's order: line, column, column_name, value, severity, reason, message
        self.spool = Spool(7, int_columns=(0, 1), directory=directory)

    def append(self, issue: Issue) -> None:
        self.spool.append(_issue_row(issue))

    def extend(self, issues: Iterable[Issue]) -> None:
        self.spool.extend([_issue_row(i) for i in issues])

    def __len__(self) -> int:
        return len(self.spool)

    def __iter__(self) -> Iterator[Issue]:
        return (Issue(t[4], t[5], t[0], t[1], t[2], t[3], t[6]) for t in self.spool)

    def __getitem__(self, index: int) -> Issue:
        return list(self)[index]

    def load_into(self, conn: duckdb.DuckDBPyConnection, relation: str, constants: Sequence[str]) -> None:
        self.spool.load_into(conn, relation, constants, ["INTEGER", "INTEGER", *["VARCHAR"] * 5])

    def discard(self) -> None:
        self.spool.discard()


@dataclass
class MappedSource:
    """The outcome of one source file: conformant rows, quarantined rows and every note.

    ``rows`` and ``issues`` spill to ``spool_dir`` when large; :meth:`discard` deletes what spilled.
    """

    source: Source
    label: str
    encoding: str | None
    columns: tuple[str, ...]
    spool_dir: Path | None = None
    rows: RowSpool = field(init=False)
    issues: IssueLog = field(init=False)
    quarantined_lines: list[int] = field(default_factory=list)
    unmapped_source_columns: tuple[str, ...] = ()
    id_column: int | None = None  # the source column (1-based) the set's ID comes from

    def __post_init__(self) -> None:
        self.rows = RowSpool(len(self.columns), self.spool_dir)
        self.issues = IssueLog(self.spool_dir)

    def discard(self) -> None:
        self.rows.discard()
        self.issues.discard()


def quarantine_repeated_ids(mapped: Sequence[MappedSource]) -> None:
    """An ID that another file of the same publisher and set already used is quarantined there.

    Within a file a repeated ID is a ``duplicate_id``; across two files of one publisher it is the
    same mistake (an ID is the publisher's key for the thing), and letting both through would fail
    the set's uniqueness check for every publisher. The first file in registry order keeps the ID.
    """
    by_set: dict[str, list[MappedSource]] = {}
    for m in mapped:
        if "ID" in m.columns:
            by_set.setdefault(m.source.dataset, []).append(m)
    for files in by_set.values():
        if len(files) > 1:  # repeats within a file were quarantined by map_table
            _quarantine_repeats(files)


def _quarantine_repeats(files: Sequence[MappedSource]) -> None:
    """Quarantine each row of ``files`` (one set's) whose ID an earlier row has (see ``repeats.py``)."""
    repeated: dict[int, list[int]] = {}
    at = files[0].columns.index("ID")
    for r in repeated_keys([m.rows for m in files], at, files[0].spool_dir):
        m = files[r.file]
        where = (f"line {r.first_line}" if r.first_file == r.file
                 else f"{files[r.first_file].label} line {r.first_line} (another file of the same publisher)")
        m.issues.append(Issue("error", "duplicate_id", r.line, m.id_column, "ID", r.key,
                              f"ID {r.key!r} is already used by {where}"))
        m.quarantined_lines.append(r.line)
        repeated.setdefault(r.file, []).append(r.line)
    for number, lines in repeated.items():
        files[number].rows.drop_lines(lines)


def _key(name: str) -> str:
    return unicodedata.normalize("NFKC", name).strip()


def column_plan(source: Source, table: SourceTable, standard: StandardSet) -> tuple[dict[str, Cell], tuple[str, ...]]:
    """Standard column → where its text comes from; and the source columns nothing reads."""
    index: dict[str, int] = {}
    for position, name in enumerate(table.header):
        index.setdefault(_key(name), position)
    spec_names = {_key(c.name): c.name for c in standard.columns}
    entry = source.entry

    def resolve(expression: str, target: str, origin: str) -> Cell:
        names = _PLACEHOLDER.findall(expression) if "{" in expression else [expression]
        for name in names:
            if _key(name) not in index:
                raise SourceFormatError(
                    SourceLocation(table.label, entry.header_row), f"a column named {name!r} for {target} "
                    f"({origin}); the header has: {', '.join(table.header)}")
        if "{" not in expression:
            return Cell((index[_key(expression)],))
        pieces = re.split(r"(\{[^{}]+\})", expression)
        return Cell(tuple(index[_key(p[1:-1])] if _PLACEHOLDER.fullmatch(p) else p for p in pieces if p))

    plan: dict[str, Cell] = {}
    for key, name in spec_names.items():  # columns already named as the standard names them
        if key in index:
            plan[name] = Cell((index[key],))
    if entry.layout == "legacy":
        if standard.legacy is None:
            raise SourceFormatError(SourceLocation(table.label, entry.header_row),
                                    f"a set with a legacy generation; {standard.id} has none — use layout custom")
        for target, expression in standard.legacy.mapping.items():
            if all(_key(n) in index for n in (_PLACEHOLDER.findall(expression) or [expression])):
                plan[target] = resolve(expression, target, "legacy mapping")
    for target, expression in entry.columns.items():
        if _key(target) not in spec_names:
            raise SourceFormatError(SourceLocation(table.label, entry.header_row),
                                    f"registry 'columns' keys naming columns of {standard.id}; {target!r} is not one")
        plan[spec_names[_key(target)]] = resolve(expression, target, f"registry source {entry.id!r}")
    for target, value in entry.fixed.items():
        if _key(target) not in spec_names:
            raise SourceFormatError(SourceLocation(table.label, entry.header_row),
                                    f"registry 'fixed' keys naming columns of {standard.id}; {target!r} is not one")
        plan[spec_names[_key(target)]] = Cell((value,))
    names = {c.name for c in standard.columns}
    if PUBLISHER_CODE in names:
        plan.setdefault(PUBLISHER_CODE, Cell((source.publisher.code,)))
    if PUBLISHER_NAME in names:
        plan.setdefault(PUBLISHER_NAME, Cell((source.publisher.name,)))
    read = {p for cell in plan.values() for p in cell.parts if isinstance(p, int)}
    unmapped = tuple(name for i, name in enumerate(table.header) if i not in read and name.strip())
    return plan, unmapped


def _duplicates(table: SourceTable) -> dict[str, list[int]]:
    """Header names (NFKC) that name more than one column → their 0-based positions."""
    positions: dict[str, list[int]] = {}
    for position, name in enumerate(table.header):
        if _key(name):
            positions.setdefault(_key(name), []).append(position)
    return {key: found for key, found in positions.items() if len(found) > 1}


def _refuse_ambiguous_names(plan: dict[str, Cell], table: SourceTable, source: Source,
                            duplicates: dict[str, list[int]]) -> None:
    """A column read by the mapping whose name the header gives twice: which one is meant is unknown."""
    read = {p for cell in plan.values() for p in cell.parts if isinstance(p, int)}
    for key, found in duplicates.items():
        if found[0] in read:
            raise SourceFormatError(
                SourceLocation(table.label, source.entry.header_row, found[1] + 1),
                f"column names that appear once in the header (the mapping reads {key!r})",
                value=f"{key!r} at columns {', '.join(str(p + 1) for p in found)}")


def _header_issues(table: SourceTable, source: Source, duplicates: dict[str, list[int]],
                   filled: set[int]) -> list[Issue]:
    """Header names that cannot be read by name (repeated, or blank over values): named, never silent.

    ``filled``: the 0-based columns that have a value in some row.
    """
    issues = [Issue("warning", "bad_header", source.entry.header_row, i + 1, None, None,
                    f"column {i + 1} has values but no name in the header; it is not read")
              for i, name in enumerate(table.header) if not name.strip() and i in filled]
    issues += [Issue("warning", "bad_header", source.entry.header_row, found[1] + 1, key, None,
                     f"column name {key!r} repeats at columns {', '.join(str(p + 1) for p in found)}; "
                     "no column of the set reads it")
               for key, found in duplicates.items()]
    return issues


def _required_from_file(plan: dict[str, Cell], table: SourceTable, standard: StandardSet,
                        source: Source) -> list[str]:
    """The required (必須) columns the file gives; none found means the file is not this set."""
    required = [c.name for c in standard.columns if c.requirement == REQUIRED]
    from_file = [n for n in required if n in plan and any(isinstance(p, int) for p in plan[n].parts)]
    if required and not from_file:
        raise SourceFormatError(SourceLocation(table.label, source.entry.header_row),
                                f"at least one required (必須) column of {standard.id} in the header "
                                f"({', '.join(required)})", value=f"header {', '.join(table.header)}")
    return from_file


def _check_rows(rows_seen: int, any_required: bool, from_file: Sequence[str], table: SourceTable,
                source: Source) -> None:
    """After the last row: a file with only a header, or whose rows all lack the required values, is refused."""
    where = SourceLocation(table.label, source.entry.header_row)
    if not rows_seen:
        raise SourceFormatError(where, "data rows below the header", value="only the header")
    if from_file and not any_required:
        raise SourceFormatError(where, f"rows with values in the required columns {', '.join(from_file)}",
                                value=f"{rows_seen} rows, every one of them empty there")


def map_table(source: Source, table: SourceTable, standard: StandardSet,
              spool_dir: Path | None = None) -> MappedSource:
    """Map, normalise and check every row of ``table`` in one pass (see the module docstring).

    One pass because ``table.rows`` may be a stream; rows and issues spool to ``spool_dir`` when
    many. On any error the spooled part is deleted before the error goes on.
    """
    notes = []
    if source.entry.long is not None:
        table, notes = pivot_long(table, source.entry.long, standard, source.entry.header_row)
    plan, unmapped = column_plan(source, table, standard)
    duplicates = _duplicates(table)
    _refuse_ambiguous_names(plan, table, source, duplicates)
    from_file = _required_from_file(plan, table, standard, source)
    mapped = MappedSource(source, table.label, table.encoding, standard.column_names, spool_dir,
                          unmapped_source_columns=unmapped,
                          id_column=plan["ID"].first_column if "ID" in plan else None)
    mapped.issues.extend(Issue("warning", "not_pivoted", n.line, n.column, n.column_name, n.value, n.message)
                         for n in notes)
    try:
        _map_rows(mapped, plan, table, standard, source, from_file, duplicates)
        if "ID" in mapped.columns:
            _quarantine_repeats([mapped])
    except BaseException:
        mapped.discard()
        raise
    return mapped


def _map_rows(mapped: MappedSource, plan: dict[str, Cell], table: SourceTable, standard: StandardSet,
              source: Source, from_file: Sequence[str], duplicates: dict[str, list[int]]) -> None:
    width = len(table.header)
    unnamed = {i for i, name in enumerate(table.header) if not name.strip()}
    filled: set[int] = set()
    required_cells = [plan[n] for n in from_file]
    any_required = False
    rows_seen = 0
    compiled = compile_plan(standard, plan, source)
    for row in table.rows:
        rows_seen += 1
        if unnamed - filled:
            filled.update(i for i in unnamed if i < min(width, len(row.cells)) and row.cells[i].strip())
        if not any_required:
            any_required = any(cell.text(row.cells).strip() for cell in required_cells)
        values, issues = _normalise_row(row, plan, standard, table, source, compiled)
        mapped.issues.extend(issues)
        if any(i.severity == "error" for i in issues):
            mapped.quarantined_lines.append(row.line)
        else:
            mapped.rows.append((row.line, values))
    _check_rows(rows_seen, any_required, from_file, table, source)
    mapped.issues.extend(_header_issues(table, source, duplicates, filled))


def _normalise_row(row: SourceRow, plan: dict[str, Cell], standard: StandardSet, table: SourceTable,
                   source: Source, compiled: Compiled) -> tuple[tuple[str | None, ...], list[Issue]]:
    issues: list[Issue] = []
    values: list[str | None] = [None] * len(compiled.columns)
    cells, line = row.cells, row.line
    extra = [c for c in cells[len(table.header):] if c.strip()]
    if extra:
        issues.append(Issue("error", "ragged_row", row.line, len(table.header) + 1, None, extra[0],
                            f"expected at most {len(table.header)} cells as in the header; found {len(row.cells)}"))
    defaults = {PUBLISHER_CODE: source.publisher.code, PUBLISHER_NAME: source.publisher.name}
    controls = _CONTROL.search("".join(cells)) is not None  # one search per row; most rows have none
    unknown_point = source.entry.zero_coordinates == "missing" and _zero_point(row, plan, standard, issues)
    date_format = source.entry.date_format
    count = len(cells)
    # the common case inline: one source cell, a value seen before, nothing repaired — one dict lookup
    for k, index, cache in () if controls else compiled.plain:
        raw = cells[index] if index is not None and index < count else ""
        result = cache.get(raw)
        if result is None or result.repairs:
            column, cell, _ = compiled.columns[k]
            values[k] = _normalise_cell(column, raw, cell, line, issues, cache)
        else:
            values[k] = result.value
    for k in compiled.every if controls else compiled.special:
        column, cell, cache = compiled.columns[k]
        raw = cell.text(cells) if cell else ""
        if controls or (cell is not None and cell.single is None):
            raw = _without_controls(raw, column.name, line, cell, issues)
        if column.name in defaults and not raw.strip():
            raw = defaults[column.name]  # the publisher is known from the registry even when the cell is blank
        if column.kind == "lg_code":
            raw = _publishers_own_code(raw, source.publisher.code, column.name, line, cell, issues)
        if unknown_point and column.kind in ("latitude", "longitude"):
            raw = ""
        if date_format and column.kind == "date" and raw.strip():
            raw = _declared_date(raw, date_format, column.name, line, cell, issues)
        values[k] = _normalise_cell(column, raw, cell, line, issues, cache)
    if compiled.pair is not None:
        _check_pair(standard, values, compiled.pair, plan, line, issues)
    if compiled.code_at is not None:
        _check_publisher(values, compiled.code_at, plan, line, source, issues)
    return tuple(values), issues


def _zero_point(row: SourceRow, plan: dict[str, Cell], standard: StandardSet, issues: list[Issue]) -> bool:
    """Whether the row's 緯度 or 経度 is 0, which this publisher writes for "position unknown".

    (registry ``zero_coordinates: missing``). Both are then left blank with a warning, and the row
    publishes without a position instead of being quarantined as a point off the coast of Africa.
    """
    if standard.geometry is None:
        return False
    names = (standard.geometry.latitude, standard.geometry.longitude)
    cells = [plan.get(name) for name in names]
    texts = [cell.text(row.cells).strip() if cell else "" for cell in cells]
    zero = [name for name, text in zip(names, texts) if _is_zero(text)]
    if not zero:
        return False
    where = next((c.first_column for c in cells if c is not None), None)
    issues.append(Issue("warning", "bad_coordinates", row.line, where, zero[0], ",".join(texts),
                        f"columns {names[0]!r}/{names[1]!r}: {' and '.join(zero)} 0 means unknown for this publisher "
                        "(registry zero_coordinates: missing); the row is published without a position"))
    return True


def _is_zero(text: str) -> bool:
    try:
        return bool(text) and float(unicodedata.normalize("NFKC", text)) == 0.0
    except ValueError:
        return False


def _declared_date(raw: str, date_format: str, name: str, line: int, cell: Cell | None, issues: list[Issue]) -> str:
    """A date written in the registry's declared format (``4/1/2022`` with ``%m/%d/%Y``) as ISO 8601.

    A value that does not match the format goes on to the date normaliser as written (和暦 and ISO
    still read there), which names it if it reads as nothing.
    """
    text = unicodedata.normalize("NFKC", raw).strip()
    try:
        day = datetime.strptime(text, date_format).date()
    except ValueError:
        return raw
    issues.append(Issue("repair", "repaired", line, cell.first_column if cell else None, name, raw,
                        f"column {name!r}: read {text} as {date_format} (the registry's date format) → {day.isoformat()}"))
    return day.isoformat()


def _without_controls(raw: str, name: str, line: int, cell: Cell | None, issues: list[Issue]) -> str:
    if not _CONTROL.search(raw):
        return raw
    found = sorted({f"U+{ord(c):04X}" for c in _CONTROL.findall(raw)})
    issues.append(Issue("warning", "control_characters", line, cell.first_column if cell else None, name, raw,
                        f"column {name!r}: control characters removed ({', '.join(found)})"))
    return _CONTROL.sub("", raw)


def _publishers_own_code(raw: str, code: str, name: str, line: int, cell: Cell | None, issues: list[Issue]) -> str:
    """Read an ambiguous 5-digit code as the publisher's own when it is.

    ``13421`` is both 小笠原村's 5-digit code (→ 134210) and a code that lost its leading
    zero (→ 013421, a valid code in 北海道); the registry knows who publishes, which decides.
    """
    digits = unicodedata.normalize("NFKC", raw).strip()
    if re.fullmatch(r"[0-9]{5}", digits) and digits + check_digit(digits) == code:
        issues.append(Issue("repair", "repaired", line, cell.first_column if cell else None, name, raw,
                            f"column {name!r}: 5-digit code {digits} completed with its check digit → {code}"))
        return code
    return raw


@dataclass(frozen=True)
class Compiled:
    """A set's columns for one file, each with where its text comes from and its normalised-value cache.

    Worked out once per file, not once per cell: ``plain`` columns are read straight from one source
    cell (or from none); ``special`` ones need a step first (a default, a publisher's code, a
    declared date format, a template, a zero meaning unknown). A row with control characters takes
    the careful path for ``every`` column.
    """

    columns: list[tuple[SpecColumn, Cell | None, dict[str, Normalised]]]
    plain: list[tuple[int, int | None, dict[str, Normalised]]]  # (position, source cell, cache)
    special: list[int]
    pair: tuple[int, int] | None  # where 緯度 and 経度 are, in a set of points
    code_at: int | None  # where the publisher's code is

    @property
    def every(self) -> range:
        return range(len(self.columns))


def compile_plan(standard: StandardSet, plan: dict[str, Cell], source: Source) -> Compiled:
    """The set's columns for a file of ``source`` (see :class:`Compiled`)."""
    columns = [(c, plan.get(c.name), _column_cache(c)) for c in standard.columns]
    plain, special = [], []
    for k, (column, cell, cache) in enumerate(columns):
        if _needs_steps(column, cell, source):
            special.append(k)
        else:
            plain.append((k, cell.single if cell is not None else None, cache))
    names = standard.column_names
    geometry = standard.geometry
    pair = (names.index(geometry.latitude), names.index(geometry.longitude)) if geometry else None
    return Compiled(columns, plain, special, pair, names.index(PUBLISHER_CODE) if PUBLISHER_CODE in names else None)


def _needs_steps(column: SpecColumn, cell: Cell | None, source: Source) -> bool:
    entry = source.entry
    return ((cell is not None and cell.single is None) or column.name in (PUBLISHER_CODE, PUBLISHER_NAME)
            or column.kind == "lg_code" or (bool(entry.date_format) and column.kind == "date")
            or (entry.zero_coordinates == "missing" and column.kind in ("latitude", "longitude")))


def _column_cache(column: SpecColumn) -> dict[str, Normalised]:
    """The normalised values already seen in columns of this kind (and allowed values): one dict lookup per cell."""
    return _CACHES.setdefault((column.kind, column.values), {})


def clear_caches() -> None:
    """Forget the normalised values: a run's caches are no use to the next, in a process that lives on."""
    _CACHES.clear()


def _normalise_cell(column: SpecColumn, raw: str, cell: Cell | None, line: int, issues: list[Issue],
                    cache: dict[str, Normalised]) -> str | None:
    where = cell.first_column if cell else None
    try:
        result = cache.get(raw)
        if result is None:
            if len(cache) >= _CACHE_LIMIT:
                cache.clear()  # bounded: a column of unique values (IDs, names) must not grow with the file
            result = cache[raw] = normalise(column.kind, raw, values=column.values)
    except ValueFormatError as exc:
        blocking = column.kind in BLOCKING_KINDS
        issues.append(Issue("error" if blocking else "warning", "bad_value", line, where, column.name, raw,
                            f"column {column.name!r}: expected {exc.expected}; found {raw!r}"))
        return None
    if result.repairs:
        issues.extend(Issue("repair", "repaired", line, where, column.name, raw, f"column {column.name!r}: {note}")
                      for note in result.repairs)
    return result.value


def _check_pair(standard: StandardSet, values: list[str | None], pair_at: tuple[int, int], plan: dict[str, Cell],
                line: int, issues: list[Issue]) -> None:
    """Latitude and longitude are checked together: half a point is no point (a swap is named cell by cell)."""
    assert standard.geometry is not None
    pair = (standard.geometry.latitude, standard.geometry.longitude)
    if any(i.line == line and i.column_name in pair for i in issues if i.severity != "repair"):
        return  # already reported cell by cell
    lat_i, lon_i = pair_at
    if values[lat_i] is None and values[lon_i] is None:
        return
    try:
        check_pair(values[lat_i], values[lon_i])  # each value is already normalised as 緯度 or 経度
    except ValueFormatError as exc:
        cell = plan.get(standard.geometry.latitude)
        issues.append(Issue("error", "bad_coordinates", line, cell.first_column if cell else None,
                            standard.geometry.latitude, f"{values[lat_i]},{values[lon_i]}",
                            f"columns {standard.geometry.latitude!r}/{standard.geometry.longitude!r}: "
                            f"expected {exc.expected}; found {exc.value!r}"))


def _check_publisher(values: list[str | None], code_at: int, plan: dict[str, Cell], line: int,
                     source: Source, issues: list[Issue]) -> None:
    """A row claiming another publisher's code is not this publisher's to publish."""
    code = values[code_at]
    if code is not None and code != source.publisher.code:
        cell = plan.get(PUBLISHER_CODE)
        issues.append(Issue("error", "wrong_publisher", line, cell.first_column if cell else None, PUBLISHER_CODE,
                            code, f"column {PUBLISHER_CODE!r}: expected the registry's publisher "
                                  f"{source.publisher.code} ({source.publisher.name}); found {code!r}"))
