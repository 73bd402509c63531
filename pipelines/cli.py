"""``tdpf``: the project's command line (build, serve).

The Make targets are thin wrappers around these commands, so everything a newcomer runs
is also runnable, documented and tested on its own.
"""

from __future__ import annotations

import os
import sys
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from pipelines.paths import PROJECT_ROOT, DataHome, data_home, export_environment

if TYPE_CHECKING:
    import dagster as dg

    from catalog_api.ckan_sync_run import Outcome
    from catalog_api.release_contract import AttemptRecord
    from pipelines.build import RunSpec
    from pipelines.changes import Inputs, Plan

app = typer.Typer(
    help="TDPF data platform: build the open-data releases and serve the catalogue.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True, soft_wrap=True)


@app.command()
def build(
    select: Annotated[
        str, typer.Option(help="Dagster asset selection, e.g. 'group:ingest' or 'raw/bureau_budget_lines*' (that asset and everything downstream); runs it whether or not it changed.")
    ] = "*",
    full: Annotated[bool, typer.Option("--full", help="Rebuild everything, changed or not.")] = False,
) -> None:
    """Ingest what changed in the landing files, run dbt and its tests on what depends on it, and publish.

    A build redoes only what changed since the last one (landing files by content, code, the
    quality suites): nothing changed means no dbt run and no new release, said in one line.
    `--full` rebuilds everything. The runs are recorded in the data directory's Dagster instance,
    so they show up in the UI (`make dev`) with every event. On failure the previous releases stay
    published and the command exits with status 1; when everything ran but some registry sources
    could not be read (they keep their earlier rows), with status 3.
    """
    import dagster as dg

    from pipelines.sweep import BuildLocked, build_lock, sweep

    home = data_home().ensure()
    export_environment(home)
    try:
        with build_lock(home):
            instance = dg.DagsterInstance.get()
            try:
                _build(home, select, full, instance)
            finally:
                sweep(home, instance)  # a build leaves no scratch behind, whether it succeeded or failed
    except BuildLocked as exc:
        console.print(f"[bold red]{exc}[/bold red]")
        raise typer.Exit(code=1) from None


def _build(home: DataHome, select: str, full: bool, instance: "dg.DagsterInstance") -> None:
    import time

    import dagster as dg

    from pipelines.settled import current_inputs_for, inputs_digest, is_settled, record_settled
    from pipelines.sweep import run_tags, sweep

    started = time.perf_counter()
    started_at = datetime.now(timezone.utc).replace(tzinfo=None)  # what this build removes is listed after it
    console.print(f"[bold]tdpf build[/bold] — data directory: {home.root}")
    swept = sweep(home, instance)
    if swept.describe():
        console.print(f"  [yellow]recovered from a killed build:[/yellow] {swept.describe()}")
    inputs = current_inputs_for(home) if select == "*" else None  # None before the first parse
    digest = inputs_digest(home, inputs) if inputs is not None else None
    if digest is not None and not full and is_settled(instance, digest):
        console.print(NOTHING_CHANGED + _held_back_note(home))  # the planner would find nothing: see settled.py
        _exit_if_sources_failed(home)
        return

    from pipelines.build import execute_runs, plan_for
    from pipelines.definitions import build_definitions
    from pipelines.defs.jobs import PUBLISH_JOB
    from pipelines.progress import build_log, new_log_path, note, progress_logger

    with console.status("Loading definitions (dbt parse on first use)…"):
        defs = build_definitions(home)
    console.print(f"  [green]✓[/green] definitions loaded [dim]{time.perf_counter() - started:.1f} s[/dim]")
    loggers = {"progress": progress_logger}
    run_config = {"loggers": {"progress": {}}}
    log = new_log_path(home.logs)
    if select != "*":
        selection = dg.AssetSelection.from_coercible(select)
        job = defs.resolve_implicit_global_asset_job_def().get_subset(
            asset_selection=set(selection.resolve(defs.resolve_asset_graph()))
        ).with_logger_defs(loggers)
        with build_log(log) as tally:
            results = [job.execute_in_process(instance=instance, raise_on_error=False, run_config=run_config,
                                              tags=run_tags())]
    else:
        if inputs is None:  # a fresh data directory: the landing files are read once the project is parsed
            inputs = current_inputs_for(home)
            digest = inputs_digest(home, inputs) if inputs is not None else None
        plan, runs = plan_for(home, defs, instance, full=full, inputs=inputs)
        if not runs:
            if digest is not None:
                record_settled(instance, digest)
            console.print(NOTHING_CHANGED + _held_back_note(home))
            _exit_if_sources_failed(home)
            return
        if any(spec.job == PUBLISH_JOB and spec.checks for spec in runs):
            from pipelines.quality.gx_runner import warm_up_in_background

            warm_up_in_background()  # the gates' engine loads while the earlier runs wait on dbt
        with build_log(log) as tally:
            for line in _plan_lines(plan):
                console.print(line)
                note(line)

            def announce(number: int, spec: "RunSpec") -> None:
                line = f"run {number}/{len(runs)}: {spec.describe()}"
                console.print(f"[bold]{line}[/bold]")
                note(line)

            results = execute_runs(defs, instance, runs, loggers, run_config, announce=announce)
        if all(r.success for r in results):
            _settle(home, defs, instance, inputs, digest)
    failed = [r for r in results if not r.success]
    elapsed = time.perf_counter() - started
    console.print(
        f"{'[bold red]Build failed[/bold red]' if failed else '[bold green]Build finished[/bold green]'} in "
        f"{elapsed:.1f} s: {len(results)} run(s), {tally.succeeded} step(s) succeeded, {tally.failed} failed"
        + (f", {len(tally.skipped)} skipped" if tally.skipped else "")
        + f"; {tally.checks_failed} blocking check(s) failed, {tally.checks_warned} warning(s). Full log: {log}")
    _report_held_back(home, results)
    _report_removed(home, started_at)
    if failed:
        _report_failure(failed)
        _report_failed_sources(home)
        raise typer.Exit(code=1)
    _report_releases(home, results)
    _exit_if_sources_failed(home)


NOTHING_CHANGED = ("Nothing changed since the last build (landing files, code, quality suites): "
                   "no dbt run, nothing published. `tdpf build --full` rebuilds everything.")


def _settle(home: DataHome, defs: "dg.Definitions", instance: "dg.DagsterInstance",
            inputs: "Inputs | None", digest: str | None) -> None:
    """Record the inputs as settled when the planner, asked again with them, finds nothing to run.

    Asked again rather than assumed: a build that succeeded can still leave work (a run that
    stopped early on purpose), and the shortcut must never skip what the planner would run.
    """
    from pipelines.build import plan_for
    from pipelines.settled import record_settled

    if inputs is None or digest is None:
        return
    _, runs = plan_for(home, defs, instance, inputs=inputs)
    if not runs:
        record_settled(instance, digest)


def _plan_lines(plan: "Plan") -> list[str]:
    """Why the build runs: the changes that start it, grouped by reason (the rest follows downstream)."""
    grouped: dict[str, list[str]] = {}
    for reason in plan.reasons:
        where = f"[{reason.partition}]" if reason.partition else ""
        grouped.setdefault(reason.why, []).append(f"{reason.asset.to_user_string()}{where}")
    lines = []
    for why, nodes in grouped.items():
        shown = ", ".join(nodes[:4]) + (f" and {len(nodes) - 4} more" if len(nodes) > 4 else "")
        lines.append(f"changed — {why}: {shown}")
    return lines


def _held_back(home: DataHome) -> "list[tuple[str, AttemptRecord]]":
    """Datasets whose latest quality-gate attempt was held back, with that attempt (typed)."""
    from catalog_api.release_contract import AttemptRecord
    from catalog_api.release_store import ReleaseStore

    store = ReleaseStore(home.releases)
    datasets = sorted(p.name for p in home.releases.iterdir() if p.is_dir()) if home.releases.is_dir() else []
    attempts = [(d, store.latest_attempt(d)) for d in datasets]
    records = [(d, AttemptRecord.from_json(a.document)) for d, a in attempts if a is not None]
    return [(d, r) for d, r in records if not r.published]


def _held_back_note(home: DataHome) -> str:
    """" N dataset(s) held back …" when the latest gate run of some datasets did not publish."""
    held = [dataset for dataset, _ in _held_back(home)]
    if not held:
        return ""
    return (f" {len(held)} dataset(s) held back by their quality gate since their last update "
            f"({', '.join(held)}): `tdpf quality run` shows why.")


#: `tdpf build`'s exit status when it finished but some sources could not be read (the rest published).
SOURCES_FAILED_EXIT = 3


def _report_failed_sources(home: DataHome) -> int:
    """One line per registry source whose latest read failed (it keeps its earlier rows); how many."""
    from pipelines.standard.ingest import failed_sources

    failures = failed_sources(home.warehouse)
    for f in failures:
        console.print(f"[yellow]source failed[/yellow] {f.publisher_code} {f.publisher_name} · {f.source_id} "
                      f"({f.dataset}; {f.rows_published} earlier rows still published): {f.message}")
    return len(failures)


def _exit_if_sources_failed(home: DataHome) -> None:
    count = _report_failed_sources(home)
    if count:
        console.print(f"{count} source(s) failed and kept their earlier rows; every other source was published "
                      f"(exit status {SOURCES_FAILED_EXIT}).")
        raise typer.Exit(code=SOURCES_FAILED_EXIT)


def _report_removed(home: DataHome, since: datetime) -> None:
    """One line per source this build took out of the warehouse because the registry no longer lists it."""
    from pipelines.standard.registered import removals_after

    for r in removals_after(home.warehouse, since):
        console.print(f"[yellow]source removed[/yellow] {r.publisher_code} {r.publisher_name or ''} · {r.source_id} "
                      f"({r.dataset}): no longer in the registry; its {r.rows_removed} rows left the set")


def _report_held_back(home: DataHome, results: "list[dg.ExecuteInProcessResult]") -> None:
    """One line per dataset whose quality gate held its update back in this build, with the failing checks."""
    run_ids = {r.run_id for r in results}
    for dataset, record in _held_back(home):
        if record.run_id in run_ids:
            failing = ", ".join(f.check for f in record.quality.failures if f.severity == "error")
            console.print(f"  [red]held back[/red] {dataset} (keeps its previous release): {failing}")


def _report_failure(results: "list[dg.ExecuteInProcessResult]") -> None:
    """Print each failed step's own message (file, line, column, value), not a traceback."""
    console.print("[bold red]Build failed.[/bold red] Every dataset whose step or quality gate failed keeps its "
                  "previous release; `tdpf quality run` shows the failing checks.")
    for result in results:
        _report_failed_steps(result)


def _report_failed_steps(result: "dg.ExecuteInProcessResult") -> None:
    for event in result.all_events:
        if event.is_step_failure:
            error = event.step_failure_data.error
            message = error.message.strip() if error else "unknown error"
            for prefix in ("dagster._core.definitions.events.Failure: ", "Failure: "):
                message = message.removeprefix(prefix)
            console.print(f"  [red]✗[/red] {event.step_key}: {message}")
    skipped = [e.step_key for e in result.all_events if e.event_type_value == "STEP_SKIPPED"]
    if skipped and len(skipped) > 8:
        console.print(f"  [yellow]–[/yellow] {len(skipped)} steps skipped because an upstream step failed "
                      f"({', '.join(skipped[:8])}, …)")
    elif skipped:
        console.print(f"  [yellow]–[/yellow] skipped because an upstream step failed: {', '.join(skipped)}")


def _report_releases(home: DataHome, results: "list[dg.ExecuteInProcessResult]") -> None:
    """The releases this build checked: a new version, or unchanged content."""
    from catalog_api.release_store import ReleaseStore

    checked = {
        event.asset_key.path[-1]: event.step_materialization_data.materialization.metadata
        for result in results for event in result.get_asset_materialization_events()
        if event.asset_key and event.asset_key.path[0] == "release"
    }
    current = {r.dataset_id: r for r in ReleaseStore(home.releases).list_current()}
    table = Table(title=f"Releases checked by this build ({len(checked)} of {len(current)} datasets)")
    for col in ("dataset", "version", "rows", "content hash", "this build"):
        table.add_column(col)
    for metadata in sorted(checked.values(), key=lambda m: str(m["dataset_id"].value)):
        dataset = str(metadata["dataset_id"].value)
        release = current.get(dataset)
        if release is None:
            continue
        verb = "new version" if metadata["new_release"].value else "unchanged"
        table.add_row(dataset, str(release.version), str(release.metadata.get("row_count", "")),
                      release.content_hash[:16], verb)
    Console().print(table)


@app.command()
def serve(
    host: Annotated[str, typer.Option(envvar="HOST", help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="PORT", help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(envvar="WEB_CONCURRENCY", min=1, max=64,
                                         help="Server processes, each with its own socket on the port.")] = 1,
    access_log: Annotated[bool, typer.Option(help="Log every request.")] = True,
) -> None:
    """Serve the catalogue API and pages from the published releases until Ctrl-C."""
    from catalog_api.serving import PortInUse, serve as serve_api

    home = data_home().ensure()
    # the app reads its settings from the environment: the workers' links then name this address
    os.environ.update({"TDPF_HOME": str(home.root), "TDPF_HOST": host, "TDPF_PORT": str(port)})
    processes = f"{workers} worker processes" if workers > 1 else "one process"
    console.print(f"Serving the catalogue of {home.releases} on http://{host}:{port}/ with {processes} "
                  "(Ctrl-C to stop)")
    try:
        status = serve_api(host, port, workers=workers, access_log=access_log)
    except PortInUse as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    raise typer.Exit(status)


def _dagster(args: list[str]) -> None:
    """Run the dagster CLI from this environment against the data directory's instance."""
    home = data_home().ensure()
    export_environment(home)
    exe = os.path.join(os.path.dirname(sys.executable), "dagster")
    os.chdir(PROJECT_ROOT)
    os.execv(exe, [exe, *args])


@app.command()
def dev(
    host: Annotated[str, typer.Option(envvar="DAGSTER_HOST", help="Interface the UI binds.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="DAGSTER_PORT", help="TCP port of the UI.")] = 3000,
) -> None:
    """Open the Dagster UI (``dagster dev -w workspace.yaml``) on the data directory's instance."""
    _dagster(["dev", "-w", str(PROJECT_ROOT / "workspace.yaml"), "--host", host, "--port", str(port)])


@app.command()
def validate() -> None:
    """Check that the code location loads (``dagster definitions validate -w workspace.yaml``)."""
    _dagster(["definitions", "validate", "-w", str(PROJECT_ROOT / "workspace.yaml")])


@app.command()
def prepare() -> None:
    """Parse the dbt project once for this checkout (make's install step runs it; builds then skip it)."""
    from pipelines.defs.project import PARSE_WORKDIR, prepare_parse_cache

    export_environment(DataHome(PARSE_WORKDIR))  # dbt from this environment, its logs in the cache
    typer.echo(f"dbt project parsed: {prepare_parse_cache()}")


@app.command()
def paths() -> None:
    """Show where the data directory keeps landing files, the warehouse, Dagster and releases."""
    home = data_home()
    for name in ("root", "landing", "warehouse", "dagster_home", "releases", "dbt_target", "logs", "ckan",
                 "ckan_sync_reports"):
        typer.echo(f"{name:13} {getattr(home, name)}")


simulate_app = typer.Typer(
    help="Generate simulated source feeds (deterministic and seeded) for sources with no reachable feed.",
    no_args_is_help=True,
)
app.add_typer(simulate_app, name="simulate")


@simulate_app.command("smart-poles")
def simulate_smart_poles(
    start: Annotated[
        datetime,
        typer.Option(formats=["%Y-%m-%d"], show_default="2026-11-02", help="First JST day to simulate (YYYY-MM-DD)."),
    ] = datetime(2026, 11, 2),
    days: Annotated[int, typer.Option(min=1, help="Number of JST days.")] = 3,
    out: Annotated[
        Path | None,
        typer.Option(help="Output folder (default: <TDPF_HOME>/landing/smart_poles); its simulator subfolders are replaced."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed and window give byte-identical files.")] = 20231001,
) -> None:
    """Write the 西新宿 smart-pole register, feeds (3 vendor formats), injected faults and the fault log.

    Same start, days and seed give byte-identical files.
    Injected faults: _simulator/fault_log.jsonl; counts: _simulator/manifest.json.
    Formats and faults: docs/smart-poles-feeds.md.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from pipelines.simulator import FAULT_KINDS, FEED_FORMATS, simulate

    target = out if out is not None else data_home().landing / "smart_poles"
    first = start.date()
    with Progress(
        TextColumn("[bold]simulating[/bold] {task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=console, transient=False,
    ) as progress:
        task = progress.add_task(first.isoformat(), total=days)

        def on_day(day: date) -> None:
            progress.update(task, advance=1, description=day.isoformat())

        try:
            summary = simulate(first, days, target, seed=seed, on_day=on_day)
        except FileExistsError as exc:
            console.print(f"[red]✗[/red] {exc}")
            raise typer.Exit(code=1) from exc

    table = Table(title=f"Smart-pole simulation {summary.start} … {summary.end} (seed {seed}) → {summary.out}")
    table.add_column("item")
    table.add_column("count", justify="right")
    for fmt in FEED_FORMATS:
        table.add_row(f"files {fmt}", str(summary.files_per_format[fmt]))
    table.add_row("files late (in _late/)", str(summary.late_files))
    table.add_row("readings", f"{summary.readings:,}")
    table.add_row("readings affected by faults", f"{summary.affected_readings:,} ({summary.affected_readings / summary.readings:.1%})")
    for kind in FAULT_KINDS:
        table.add_row(f"faults {kind}", str(summary.faults_per_kind[kind]))
    Console().print(table)


standard_app = typer.Typer(
    help="The municipal standard open-data sets: their spec file and the dbt files generated from it.",
    no_args_is_help=True,
)
app.add_typer(standard_app, name="standard")


@standard_app.command("generate")
def standard_generate(
    check: Annotated[bool, typer.Option("--check", help="Only report files that differ; exit 1 if any.")] = False,
) -> None:
    """Regenerate the dbt sources, staging views, marts and contracts from standard_datasets.yaml."""
    from pipelines.standard.dbt_models import DBT_PROJECT, stale_files, write_generated
    from pipelines.standard.spec import load_spec

    spec = load_spec()
    if check:
        stale = stale_files(spec)
        for path in stale:
            console.print(f"[red]✗[/red] out of date: {path.relative_to(DBT_PROJECT.parent)}")
        if stale:
            console.print("Run `tdpf standard generate` and commit the result.")
            raise typer.Exit(code=1)
        console.print("[green]✓[/green] the dbt files match the spec")
        return
    for path in write_generated(spec):
        console.print(f"wrote {path.relative_to(DBT_PROJECT.parent)}")


quality_app = typer.Typer(
    help="The quality gate: Great Expectations suites (expectations/) and dbt tests.",
    no_args_is_help=True,
)
app.add_typer(quality_app, name="quality")


def _manifest(home: DataHome) -> dict:
    import json

    from pipelines.defs.project import dbt_project_for

    return json.loads(dbt_project_for(home).manifest_path.read_text(encoding="utf-8"))


@quality_app.command("generate")
def quality_generate(
    check: Annotated[bool, typer.Option("--check", help="Only report suites that differ; exit 1 if any.")] = False,
) -> None:
    """Rewrite each suite's `derived` rules from the dbt schema; hand-written `rules` are kept."""
    from pipelines.quality.derive import generate_suites

    home = data_home().ensure()
    export_environment(home)
    changed = generate_suites(_manifest(home), check=check)
    for path in changed:
        console.print(f"{'[red]✗[/red] out of date' if check else 'wrote'}: {path.relative_to(PROJECT_ROOT)}")
    if check and changed:
        console.print("Run `tdpf quality generate` and commit the result.")
        raise typer.Exit(code=1)
    if not changed:
        console.print("[green]✓[/green] every suite matches the dbt schema")


@quality_app.command("run")
def quality_run(
    dataset: Annotated[str | None, typer.Argument(help="Dataset id, e.g. aed-locations; all when omitted.")] = None,
    reports: Annotated[Path | None, typer.Option(help="Write each dataset's HTML report into this folder.")] = None,
) -> None:
    """Validate the built warehouse against the gates without publishing; exit 1 if a gate fails."""
    import duckdb

    from pipelines.dbt_manifest import published_nodes
    from pipelines.quality.gatekeeper import gate_target
    from pipelines.quality.gate import evaluate
    from pipelines.quality.gx_runner import quiet_context
    from pipelines.quality.report import write_report

    home = data_home().ensure()
    export_environment(home)
    if not home.warehouse.exists():
        console.print(f"[red]No warehouse at {home.warehouse}[/red]: run `make build` (or `tdpf build`) first.")
        raise typer.Exit(code=2)
    manifest = _manifest(home)
    nodes = [n for n in published_nodes(manifest) if dataset in (None, n["meta"]["tdpf"]["dataset_id"])]
    if not nodes:
        known = ", ".join(n["meta"]["tdpf"]["dataset_id"] for n in published_nodes(manifest))
        console.print(f"[red]Unknown dataset {dataset!r}[/red]; published datasets: {known}")
        raise typer.Exit(code=2)
    context = quiet_context()
    verdicts = []
    with duckdb.connect(str(home.warehouse), read_only=True) as conn:
        built = {f'"{s}"."{t}"' for s, t in conn.execute(
            "SELECT table_schema, table_name FROM information_schema.tables").fetchall()}
        for node in nodes:
            target = gate_target(manifest, node)
            if target.relation not in built:
                console.print(f"[red]{target.dataset_id}[/red]: {target.relation} is not built; run `make build`")
                raise typer.Exit(code=2)
            verdict = evaluate(conn, target.suite, target.relation, list(target.models), context)
            verdicts.append(verdict)
            if reports:
                write_report(verdict, reports / f"{target.dataset_id}.html", target.title, target.title_en)
    _print_verdicts(verdicts)
    if any(v.blocked for v in verdicts):
        raise typer.Exit(code=1)


def _print_verdicts(verdicts: list) -> None:
    """One row per dataset, then one per failing or warning check."""
    colours = {"passed": "green", "warned": "yellow", "partial": "yellow", "failed": "red"}
    table = Table(title="Quality gate (nothing published)")
    for column in ("dataset", "status", "rows", "passed", "failed", "warned"):
        table.add_column(column, justify="right" if column in ("rows", "passed", "failed", "warned") else "left")
    for v in verdicts:
        s = v.summary()
        table.add_row(v.dataset_id, f"[{colours[v.status]}]{v.status}[/]", f"{v.row_count:,}",
                      str(s["checks_passed"]), str(s["checks_failed"]), str(s["checks_warned"]))
    out = Console(width=None if sys.stdout.isatty() else 200)
    out.print(table)
    problems = Table(title="Failing checks (error blocks publication, warn is published and shown)")
    for column in ("dataset", "check", "severity", "column", "unexpected", "sample", "partitions"):
        problems.add_column(column, overflow="fold")
    rows = [(v, c) for v in verdicts for c in v.checks if not c.success]
    for v, c in sorted(rows, key=lambda vc: (vc[1].severity != "error", vc[0].dataset_id, vc[1].check)):
        colour = "red" if c.severity == "error" else "yellow"
        problems.add_row(v.dataset_id, c.check, f"[{colour}]{c.severity}[/]", c.column, str(c.unexpected_count),
                         ", ".join(map(str, c.sample))[:60], ", ".join(c.partitions)[:60])
    if rows:
        out.print(problems)


ckan_app = typer.Typer(
    help="A local CKAN 2.12 to try the CKAN sync on, and the sync itself (docs: README, CKAN sync).",
    no_args_is_help=True,
)
app.add_typer(ckan_app, name="ckan")


@ckan_app.command("up")
def ckan_up(
    port: Annotated[int | None, typer.Option(help="CKAN's port (default: the last one, else a free one).")] = None,
) -> None:
    """Start a real CKAN with its own PostgreSQL and Redis under the data directory, and print its URL and token.

    Idempotent: what already runs is kept. The first time installs CKAN into a cache outside the data
    directory (a minute). Solr is the project's stand-in unless SOLR_URL names a real one. The two
    lines on standard output (CKAN_URL=…, CKAN_API_TOKEN=…) can be eval'd by a shell.
    """
    from catalog_api.ckan_local.stack import Stack, StackError

    home = data_home().ensure()
    stack = Stack(home.ckan, solr_url=os.environ.get("SOLR_URL") or None, ckan_port=port,
                  log=lambda line: console.print(line, markup=False, highlight=False))
    try:
        state = stack.up()
    except StackError as exc:
        console.print(f"[red]CKAN did not come up:[/red] {exc}", highlight=False)
        raise typer.Exit(1) from None
    console.print(f"CKAN {stack.version} at {state.url} (Solr: {state.solr_url}); `tdpf ckan down` stops it",
                  highlight=False)
    typer.echo(f"CKAN_URL={state.url}")
    typer.echo(f"CKAN_API_TOKEN={state.token}")


@ckan_app.command("sync")
def ckan_sync(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Read the portal and print the plan; write nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as one JSON object on standard output.")] = False,
) -> None:
    """Mirror the published datasets into the CKAN portal at CKAN_URL, as the user of CKAN_API_TOKEN.

    Each dataset's current release becomes a package (resources at TDPF_PUBLIC_URL's download URLs);
    a package is created, updated, left alone when it already holds what we would write, or — only when
    its managed_by extra is ours and its dataset is gone — retired. A package of the same name that is not
    ours is a conflict, reported and never written. Any number of runs converge. Exits 1 when a package
    failed or the portal stopped answering, 2 when the settings are wrong; skipped when CKAN_URL is unset.
    The report is kept in the data directory (ckan_sync/latest.json).
    """
    import json

    from catalog_api.ckan_sync_run import COUNTS, NotConfigured, SyncSettings, save_report, sync
    from catalog_api.release_store import ReleaseStore

    home = data_home()
    try:
        settings = SyncSettings.from_env(dry_run=dry_run)
    except NotConfigured as exc:
        console.print(f"[red]CKAN sync not configured:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None
    if settings is None:
        reason = "CKAN_URL is not set (see README, CKAN sync; `tdpf ckan up` starts a local CKAN)"
        console.print(f"CKAN sync skipped: {reason}", highlight=False)
        if as_json:
            typer.echo(json.dumps({**dict.fromkeys(COUNTS, 0), "status": "skipped", "reason": reason}))
        return
    colour = {"done": "green", "planned": "cyan", "failed": "red", "not attempted": "yellow"}

    def show(outcome: "Outcome") -> None:
        mark = "would " if outcome.status == "planned" else ""
        status = "" if outcome.status in ("done", "planned") else f" {outcome.status}"
        console.print(f"  [{colour[outcome.status]}]{mark}{outcome.action}{status}[/] {outcome.name} — "
                      f"{outcome.error or outcome.reason}", highlight=False)

    report = sync(ReleaseStore(home.releases), settings, dry_run=dry_run, on_outcome=show,
                  on_wait=lambda action, wait, error: console.print(
                      f"  [yellow]CKAN: {error}; trying again in {wait:.1f} s[/yellow]", highlight=False))
    path = save_report(report, home.ckan_sync_reports)
    for line in report.problems():
        console.print(f"[red]{line}[/red]", highlight=False)
    console.print(f"{report.summary()}. Report: {path}", highlight=False)
    if as_json:
        typer.echo(json.dumps(report.to_json(), ensure_ascii=False))
    if not report.ok:
        raise typer.Exit(1)


@ckan_app.command("down")
def ckan_down() -> None:
    """Stop the processes `tdpf ckan up` started (by the PIDs it recorded); the CKAN data stays for the next up."""
    from catalog_api.ckan_local.stack import Stack

    stopped = Stack(data_home().ckan).down()
    console.print(f"stopped: {', '.join(stopped)}" if stopped else "nothing of ours was running", highlight=False)


def main() -> None:  # pragma: no cover - console-script shim
    sys.exit(app())


if __name__ == "__main__":  # pragma: no cover
    main()
