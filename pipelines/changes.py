"""What a build has to redo: the assets and partitions whose inputs, code or upstream changed.

The answer comes from Dagster's own records, not from a state file of ours: each ingest
materialisation carries the input version it read (``pipelines/fingerprints.py``), each
materialisation carries Dagster's ``dagster/code_version`` tag, and the event log orders
materialisations. An asset (or one partition of it) must run when

- it was never materialised (unless it has nothing to read, like a new publisher without a file for
  a set that other publishers already loaded);
- it is an ingest asset and the input version of its files differs from the one it last read;
- its code version differs from the one it last ran with (dbt's SQL checksum for models);
- a parent was materialised after it (a run that stopped half-way left it behind);
- it is downstream of anything that runs.

A release is the exception to "parent newer": when its dataset's quality gate already judged the
model's latest materialisation (and held it back), the same data is not judged again. A release
also runs when its suite file changed. ``--full`` runs everything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import dagster as dg

from pipelines.fingerprints import INPUT_VERSION, NOTHING

CODE_VERSION_TAG = "dagster/code_version"
#: Metadata key under which a release records the version of the gate it passed (its suite file).
GATE_VERSION = "tdpf/gate_version"

Node = tuple[dg.AssetKey, "str | None"]  # an asset, or one partition of it


@dataclass(frozen=True)
class Reason:
    """Why one asset (or partition) runs, in words a person reads in the build summary."""

    asset: dg.AssetKey
    partition: str | None
    why: str

    def __str__(self) -> str:
        where = f" [{self.partition}]" if self.partition else ""
        return f"{self.asset.to_user_string()}{where}: {self.why}"


@dataclass
class Plan:
    """The nodes to run, with the reasons that started it (the rest follows downstream)."""

    nodes: set[Node] = field(default_factory=set)
    reasons: list[Reason] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.nodes

    def assets(self) -> set[dg.AssetKey]:
        return {key for key, _ in self.nodes}


@dataclass(frozen=True)
class Inputs:
    """The input versions of the landing files now, per ingest asset (and partition)."""

    versions: Mapping[dg.AssetKey, Mapping[str | None, str]]
    days: Sequence[date]  # JST days that have feed files


class History:
    """What the Dagster instance recorded about each asset: latest materialisation per partition."""

    def __init__(self, instance: dg.DagsterInstance) -> None:
        self.instance = instance
        self._latest: dict[dg.AssetKey, dict[str | None, dg.EventLogRecord]] = {}

    def latest(self, key: dg.AssetKey, partition: str | None) -> dg.EventLogRecord | None:
        return self._records(key).get(partition)

    def newest_any_partition(self, key: dg.AssetKey) -> int | None:
        """Storage id of the asset's newest materialisation in any partition (None if never)."""
        return max((r.storage_id for r in self._records(key).values()), default=None)

    def _records(self, key: dg.AssetKey) -> dict[str | None, dg.EventLogRecord]:
        if key not in self._latest:
            self._latest[key] = self._load(key)
        return self._latest[key]

    def _load(self, key: dg.AssetKey) -> dict[str | None, dg.EventLogRecord]:
        """The latest materialisation of each partition (or of the asset): two queries, whatever the history."""
        latest = self.instance.get_latest_storage_id_by_partition(key, dg.DagsterEventType.ASSET_MATERIALIZATION)
        if not latest:  # unpartitioned (or never built)
            page = self.instance.fetch_materializations(dg.AssetRecordsFilter(asset_key=key), limit=1)
            return {None: page.records[0]} if page.records else {}
        out: dict[str | None, dg.EventLogRecord] = {}
        ids = sorted(latest.values())
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            page = self.instance.fetch_materializations(
                dg.AssetRecordsFilter(asset_key=key, storage_ids=chunk), limit=len(chunk))
            for record in page.records:
                out[record.event_log_entry.dagster_event.partition] = record  # type: ignore[union-attr]
        return out

    def latest_gate_run(self, check: dg.AssetCheckKey) -> float | None:
        """When the gate check last reached a verdict (its evaluation's time), or None."""
        records = self.instance.event_log_storage.get_latest_asset_check_execution_by_key([check])
        record = records.get(check)
        if record is None or record.event is None or record.status.value == "PLANNED":
            return None
        return record.event.timestamp


def plan_build(asset_graph: dg.AssetGraph, history: History, inputs: Inputs,  # type: ignore[name-defined]
               gates: Mapping[dg.AssetKey, tuple[dg.AssetCheckKey, str]], full: bool = False) -> Plan:
    """Every node that must run (see the module docstring), with the reasons that started it.

    ``gates`` maps each release asset to its gate's representative check on the model and the
    current gate version (the suite file's digest).
    """
    plan = Plan()
    universe = list(_universe(asset_graph, inputs))
    for node in universe:
        why = "--full" if full else _why(asset_graph, history, inputs, gates, node)
        if why:
            plan.nodes.add(node)
            plan.reasons.append(Reason(node[0], node[1], why))
    _close_downstream(asset_graph, plan, universe)
    return plan


def _universe(asset_graph: dg.AssetGraph, inputs: Inputs) -> Iterable[Node]:  # type: ignore[name-defined]
    """Every materialisable asset, once per partition that exists now."""
    days = [d.isoformat() for d in inputs.days]
    for key in sorted(asset_graph.materializable_asset_keys, key=lambda k: k.to_user_string()):
        node = asset_graph.get(key)
        if node.partitions_def is None:
            yield key, None
        elif isinstance(node.partitions_def, dg.StaticPartitionsDefinition):
            yield from ((key, p) for p in node.partitions_def.get_partition_keys())
        else:  # the JST days: only the days that have feed files
            yield from ((key, d) for d in days)


def _why(asset_graph: dg.AssetGraph, history: History, inputs: Inputs,  # type: ignore[name-defined]
         gates: Mapping[dg.AssetKey, tuple[dg.AssetCheckKey, str]], node: Node) -> str | None:
    key, partition = node
    record = history.latest(key, partition)
    if key in gates:
        return _release_why(asset_graph, history, gates[key], key, record)
    if record is None:
        if inputs.versions.get(key, {}).get(partition, None) == NOTHING and history.newest_any_partition(key):
            return None  # a new publisher with no file for this set: nothing to load, nothing to rebuild
        return "never built"
    if key in inputs.versions and _recorded(record, INPUT_VERSION) != inputs.versions[key].get(partition):
        return "its input files changed"
    if _code_changed(asset_graph, key, record):
        return "its code changed"
    if _parent_newer(asset_graph, history, key, partition, record.storage_id):
        return "an upstream asset was rebuilt after it"
    return None


def _release_why(asset_graph: dg.AssetGraph, history: History,  # type: ignore[name-defined]
                 gate: tuple[dg.AssetCheckKey, str], key: dg.AssetKey, record: dg.EventLogRecord | None) -> str | None:
    check, gate_version = gate
    if record is not None:
        if _code_changed(asset_graph, key, record):
            return "its code changed"
        recorded = _recorded(record, GATE_VERSION)
        if recorded is not None and recorded != gate_version:
            return "its quality suite changed"
    model = history.latest(check.asset_key, None)
    if model is None:
        return None  # the model runs first (its own reason), and the release follows downstream
    if record is not None and record.storage_id > model.storage_id:
        return None
    judged = history.latest_gate_run(check)
    if judged is not None and judged >= model.timestamp:
        return None  # the gate held this very data back already: same data, same verdict
    return "never published" if record is None else "its model was rebuilt after it was published"


def _recorded(record: dg.EventLogRecord, key: str) -> str | None:
    """A text metadata entry of the materialisation (None when it has none)."""
    value = record.asset_materialization.metadata.get(key)  # type: ignore[union-attr]
    return getattr(value, "value", value)


def _code_changed(asset_graph: dg.AssetGraph, key: dg.AssetKey, record: dg.EventLogRecord) -> bool:  # type: ignore[name-defined]
    code = asset_graph.get(key).code_version
    return code is not None and record.asset_materialization.tags.get(CODE_VERSION_TAG) != code  # type: ignore[union-attr]


def _parent_newer(asset_graph: dg.AssetGraph, history: History, key: dg.AssetKey,  # type: ignore[name-defined]
                  partition: str | None, storage_id: int) -> bool:
    for parent in asset_graph.get(key).parent_keys:
        if not asset_graph.has(parent) or not asset_graph.get(parent).is_materializable:
            continue
        same_partitioning = asset_graph.get(parent).partitions_def == asset_graph.get(key).partitions_def
        if partition is not None and same_partitioning:
            parent_record = history.latest(parent, partition)
            newest = parent_record.storage_id if parent_record else None
        else:
            newest = history.newest_any_partition(parent)
        if newest is not None and newest > storage_id:
            return True
    return False


def _close_downstream(asset_graph: dg.AssetGraph, plan: Plan, universe: Sequence[Node]) -> None:  # type: ignore[name-defined]
    """Add every node downstream of a planned one (same partition, or all partitions of another partitioning)."""
    by_key: dict[dg.AssetKey, list[str | None]] = {}
    for key, partition in universe:
        by_key.setdefault(key, []).append(partition)
    stack = list(plan.nodes)
    while stack:
        key, partition = stack.pop()
        for child in asset_graph.get(key).child_keys:
            if child not in by_key:
                continue
            same = asset_graph.get(child).partitions_def == asset_graph.get(key).partitions_def
            targets = [partition] if (same and partition is not None) else by_key[child]
            for target in targets:
                if (child, target) not in plan.nodes:
                    plan.nodes.add((child, target))
                    stack.append((child, target))
