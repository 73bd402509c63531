"""One bad file costs its own source: the corpus of tests/helpers/bad_files.py, read as a build reads it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.standard.ingest import failed_sources, map_publishers, write_publishers
from pipelines.standard.registry import load_registry
from pipelines.standard.spec import load_spec
from tests.helpers.bad_files import CASES, DATASET, PUBLISHER, Case, write_corpus

SPEC = load_spec()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Case]:
    return write_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def report(corpus: tuple[Path, Path, Case]):  # type: ignore[no-untyped-def]
    registry_dir, landing, _ = corpus
    registry = load_registry(registry_dir, frozenset(SPEC.ids))
    return map_publishers(registry, SPEC, [PUBLISHER["code"]], landing, landing / "no-realdata")


def test_the_corpus_is_large_and_covers_both_outcomes() -> None:
    assert len(CASES) >= 30
    assert {c.expect[0] for c in CASES} == {"source", "rows"}
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", [c for c in CASES if c.expect[0] == "source"], ids=lambda c: c.name)
def test_a_file_that_cannot_be_read_is_refused_with_where_and_what(report, case: Case) -> None:  # type: ignore[no-untyped-def]
    (skipped,) = [s for s in report.skipped if s.source.id == case.source_id]
    assert skipped.status == "failed"
    assert skipped.reason.startswith(f"landing:{case.file}:"), skipped.reason  # the file, then its line
    assert "expected" in skipped.reason
    missing = [w for w in case.expect[1] if w not in skipped.reason]
    assert missing == [], skipped.reason
    assert case.source_id not in {m.source.id for m in report.mapped}


@pytest.mark.parametrize("case", [c for c in CASES if c.expect[0] == "rows"], ids=lambda c: c.name)
def test_bad_rows_are_quarantined_or_blanked_with_their_reasons(report, case: Case) -> None:  # type: ignore[no-untyped-def]
    (mapped,) = [m for m in report.mapped if m.source.id == case.source_id]
    reasons = {i.reason for i in mapped.issues if i.severity != "repair"}
    assert reasons == set(case.expect[1]), [(i.line, i.column, i.message) for i in mapped.issues]
    assert mapped.rows, "the file's good rows are published"
    for issue in mapped.issues:
        assert issue.line >= 1 and issue.message


def test_control_characters_are_removed_and_located(report) -> None:  # type: ignore[no-untyped-def]
    (mapped,) = [m for m in report.mapped if m.source.id == "corpus-control-characters"]
    names = [values[mapped.columns.index("名称")] for _, values in mapped.rows]
    assert "新宿区役所[31m" in names  # NUL and ESC gone, the visible text kept
    (first, second) = sorted((i.line, i.column, i.column_name) for i in mapped.issues if i.reason == "control_characters")
    assert first == (2, 3, "名称") and second == (3, 10, "備考")


def test_formulas_are_kept_verbatim_in_the_raw_rows(report) -> None:  # type: ignore[no-untyped-def]
    (mapped,) = [m for m in report.mapped if m.source.id == "corpus-formulas-kept-verbatim-at-ingest"]
    notes = [values[mapped.columns.index("備考")] for _, values in mapped.rows]
    assert notes == ['=HYPERLINK("http://x")', "=cmd|' /C calc'!A0", "@SUM(A1)"]


def test_a_quoted_cell_over_two_lines_keeps_its_text_and_its_start_line(report) -> None:  # type: ignore[no-untyped-def]
    (mapped,) = [m for m in report.mapped if m.source.id == "corpus-embedded-newlines-and-quotes"]
    assert [line for line, _ in mapped.rows] == [2, 4]
    assert mapped.rows[0][1][mapped.columns.index("名称")] == '新宿区役所\n"本庁舎"'


def test_the_good_neighbour_loads_whole_and_statuses_say_what_happened(report, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (good,) = [m for m in report.mapped if m.source.id == "corpus-good-neighbour"]
    assert len(good.rows) == 3 and not good.quarantined_lines
    warehouse = tmp_path / "tdpf.duckdb"
    with duckdb.connect(str(warehouse)) as conn:
        write_publishers(conn, SPEC, [PUBLISHER["code"]], report)
        statuses = dict(conn.execute("SELECT source_id, status FROM raw.register_sources").fetchall())
        published = conn.execute("SELECT count(*) FROM raw.register_aed_locations "
                                 "WHERE source_id = 'corpus-good-neighbour'").fetchone()[0]
    assert published == 3
    refused = {c.source_id for c in CASES if c.expect[0] == "source"}
    assert {s for s, status in statuses.items() if status == "failed"} == refused
    assert {s for s, status in statuses.items() if status == "loaded"} == \
           {c.source_id for c in CASES if c.expect[0] == "rows"} | {"corpus-good-neighbour"}
    failures = failed_sources(warehouse)
    assert {f.source_id for f in failures} == refused
    assert all(f.dataset == DATASET and f.message.startswith("landing:") for f in failures)


def test_a_failed_source_keeps_its_earlier_rows(corpus: tuple[Path, Path, Case], tmp_path: Path) -> None:
    registry_dir, landing, good = corpus
    registry = load_registry(registry_dir, frozenset(SPEC.ids))
    warehouse = tmp_path / "tdpf.duckdb"
    with duckdb.connect(str(warehouse)) as conn:
        write_publishers(conn, SPEC, [PUBLISHER["code"]], map_publishers(registry, SPEC, ["131041"], landing, landing))
        broken = tmp_path / "landing"
        import shutil

        shutil.copytree(landing, broken)
        (broken / good.file).write_bytes(b"<html><body>503</body></html>")  # its next delivery is an error page
        write_publishers(conn, SPEC, ["131041"], map_publishers(registry, SPEC, ["131041"], broken, broken))
        kept = conn.execute("SELECT count(*) FROM raw.register_aed_locations "
                            "WHERE source_id = 'corpus-good-neighbour'").fetchone()[0]
        status, rows, message = conn.execute(
            "SELECT status, rows_published, message FROM raw.register_sources "
            "WHERE source_id = 'corpus-good-neighbour'").fetchone()
    assert kept == 3 and (status, rows) == ("failed", 3) and "HTML" in message


def test_an_id_repeated_in_another_file_of_the_publisher_is_quarantined_there(tmp_path: Path) -> None:
    from tests.helpers.bad_files import ID_BASE, write_overlapping_pair

    registry_dir, landing = tmp_path / "registry", tmp_path / "landing"
    registry_dir.mkdir()
    write_overlapping_pair(landing, registry_dir)
    registry = load_registry(registry_dir, frozenset(SPEC.ids))
    report = map_publishers(registry, SPEC, ["131041"], landing, landing)
    first, second = sorted(report.mapped, key=lambda m: m.source.id)
    assert [v[first.columns.index("ID")] for _, v in first.rows] == [str(ID_BASE + 500), str(ID_BASE + 501)]
    assert [v[second.columns.index("ID")] for _, v in second.rows] == [str(ID_BASE + 502)]
    (issue,) = [i for i in second.issues if i.reason == "duplicate_id"]
    assert (issue.severity, issue.line, issue.column) == ("error", 2, 2)
    assert "overlap_a.csv line 3" in issue.message and second.quarantined_lines == [2]
