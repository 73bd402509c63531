"""The no-change shortcut: a build that finds the inputs of the last settled build runs nothing.

The planner (``pipelines/changes.py``) answers "what changed?" from Dagster's event log against
the asset graph, and the asset graph needs the definitions: dagster-dbt, dbt-core and the
manifest, ~3 s before the first question is asked. On the night nothing arrived, that is most of
the build. So when a build leaves nothing to do (it ran and every run succeeded, or it planned
nothing), it records in the Dagster instance's key-value storage a digest of everything the
planner compares, and the newest run at that moment. The next build first computes that digest;
the same digest with no run since means the planner would find nothing, and it stops there.

What the digest covers is a superset of what the planner compares, so the shortcut can only be
taken when the planner would agree: every ingest asset's input version (the landing files by
content, the registry, the ingest code), the dbt project's files, the quality suites, and the
source of the pipeline and release code. Any run made since, from the UI, a sensor or
``tdpf build --select``, voids it: the planner then looks at what that run changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

import dagster as dg

from pipelines.changes import Inputs
from pipelines.paths import PROJECT_ROOT, DataHome

#: Key of the record in the instance's key-value storage (beside the daemon's cursors).
SETTLED_KEY = "tdpf/settled_build"
#: The code whose every byte is covered (the dbt project by ``project_digest``, suites apart).
CODE_DIRS = ("pipelines", "catalog_api")


def current_inputs_for(home: DataHome, embed: bool = True) -> Inputs | None:
    """The planner's inputs now (the embedded default put in place first); None before a first parse."""
    from pipelines.defs.landing import current_inputs
    from pipelines.defs.registers import load_standard_inputs

    manifest = home.dbt_target / "manifest.json"
    if not manifest.exists():
        return None
    spec, registry = load_standard_inputs()
    return current_inputs(home, spec, registry, manifest, embed=embed)


def inputs_digest(home: DataHome, inputs: Inputs) -> str:
    """One digest of everything a build's plan depends on (see the module docstring)."""
    from pipelines.defs.project import project_digest
    from pipelines.quality.suites import suites_dir

    h = hashlib.sha256()
    for key in sorted(inputs.versions, key=lambda k: k.to_user_string()):
        for partition, version in sorted(inputs.versions[key].items(), key=lambda kv: kv[0] or ""):
            h.update(f"{key.to_user_string()}[{partition or ''}]={version}\n".encode())
    h.update(f"days={','.join(d.isoformat() for d in inputs.days)}\n".encode())
    h.update(f"dbt={project_digest(home)}\n".encode())
    _update_with_files(h, suites_dir(), sorted(suites_dir().glob("*.yaml")))
    for name in CODE_DIRS:
        root = PROJECT_ROOT / name
        _update_with_files(h, root, sorted(p for p in root.rglob("*")
                                           if p.is_file() and "__pycache__" not in p.parts))
    return h.hexdigest()


def _update_with_files(h: "hashlib._Hash", root: Path, files: Iterable[Path]) -> None:
    for path in files:
        h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")


def is_settled(instance: dg.DagsterInstance, digest: str) -> bool:
    """True when the last settled build saw ``digest`` and no run was made since."""
    recorded = _recorded(instance)
    return bool(recorded) and recorded.get("digest") == digest and recorded.get("newest_run") == _newest_run(instance)


def record_settled(instance: dg.DagsterInstance, digest: str) -> None:
    """Remember that a build with these inputs left nothing to do (call only when it did)."""
    value = json.dumps({"digest": digest, "newest_run": _newest_run(instance)})
    instance.run_storage.set_cursor_values({SETTLED_KEY: value})


def _recorded(instance: dg.DagsterInstance) -> dict[str, str | None]:
    raw = instance.run_storage.get_cursor_values({SETTLED_KEY}).get(SETTLED_KEY)
    try:
        value = json.loads(raw) if raw else {}
    except json.JSONDecodeError:
        return {}  # unreadable: the planner decides
    return value if isinstance(value, dict) else {}


def _newest_run(instance: dg.DagsterInstance) -> str | None:
    runs = instance.get_run_records(limit=1)
    return runs[0].dagster_run.run_id if runs else None
