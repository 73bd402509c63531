"""The human-readable quality report of one gate run: a self-contained HTML page.

Our own template rather than GX Data Docs: Data Docs need a file-backed context and show only
GX's half, while users need one page per release with both engines, the failing values and the
partitions they came from, in Japanese with English. Autoescaping is on: sample values are data.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from pipelines.quality.gate import Verdict

_TEMPLATES = Path(__file__).with_name("templates")
STATUS_LABELS = {
    "passed": ("合格", "Passed"),
    "warned": ("警告あり", "Passed with warnings"),
    "partial": ("一部保留", "Published — some publishers held back"),
    "failed": ("不合格", "Failed — not published"),
}


def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(_TEMPLATES), autoescape=select_autoescape(["html", "j2"]),
                       trim_blocks=True, lstrip_blocks=True)


def render_report(verdict: Verdict, title: str, title_en: str, published: bool | None = None) -> str:
    """HTML for ``verdict``; failures first, then warnings, then passed checks."""
    checks = sorted(verdict.checks, key=lambda c: (2 if c.success else 0 if c.blocking else 1, c.engine, c.check))
    return _environment().get_template("report.html.j2").render(
        verdict=verdict, summary=verdict.summary(), checks=checks, title=title, title_en=title_en,
        status_label=STATUS_LABELS[verdict.status], published=published,
    )


def write_report(verdict: Verdict, path: Path, title: str, title_en: str, published: bool | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(verdict, title, title_en, published), encoding="utf-8")
    return path
