"""`dbt build` in the run's own process (the DuckDB engine), with the parsed project kept.

dagster-dbt starts dbt as a new Python process for every command: ~3.5 s of importing dbt and
~2 s of (partial) parsing before the first model, each run. Here dbt is imported once per
process and the project parsed once per process and manifest, so a night pays only for its
models and tests (docs/performance.md has the figures). Spark keeps the separate process: its dbt
lives in another virtualenv. What this leans on inside dagster-dbt and dbt is listed in
docs/upgrading.md.

The events are the ones dagster-dbt makes from dbt's JSON log lines (DbtCoreCliEventMessage),
built from the same dictionaries, so the assets, their checks and their metadata are unchanged.
dbt runs in this thread, so a run's termination (SIGTERM, SIGINT) reaches it as it reaches
every other step, and a killed run takes dbt with it.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, Failure
from dagster_dbt import DagsterDbtTranslator
from dagster_dbt.asset_utils import (
    DBT_INDIRECT_SELECTION_ENV,
    extract_runtime_selection_from_args,
    get_updated_cli_invocation_params_for_context,
)
from dagster_dbt.core.dbt_cli_event import DbtCoreCliEventMessage

from ..core.environ import environment
from ..core.failpoints import failpoint
from ..core.progress import Progress

# dbt's events that carry a node's result (dagster-dbt's DbtCoreCliEventMessage.is_result_event)
RESULT_EVENTS = frozenset({"LogSeedResult", "LogModelResult", "LogSnapshotResult", "LogTestResult"})
# ... and every event that ends a node, for the progress lines (exposures end as no-ops, the nodes
# after a failure as skipped)
NODE_END_EVENTS = RESULT_EVENTS | {"LogNodeNoOpResult", "SkippingDetails"}

# the parsed project of this process: (key, dbt's Manifest); one at a time
_parsed: list[tuple[tuple, Any]] = []


def parsed_project(project_args: list[str], key: tuple):
    """dbt's Manifest for `key` (the manifest file's age, the target and database it compiles
    for): parsed once in this process, reused by every later run with the same key."""
    from dbt.cli.main import dbtRunner

    if not _parsed or _parsed[0][0] != key:
        result = dbtRunner().invoke(["parse", "--quiet", *project_args])
        if not result.success:
            raise Failure("dbt could not parse the project", metadata={"error": str(result.exception)})
        _parsed[:] = [(key, result.result)]
        # dbt's modules and the parsed project are a few hundred thousand objects that live as long
        # as the process: out of the garbage collector's sight, its full passes during the later
        # steps (exports, publish) stop walking them each time
        gc.freeze()
    return _parsed[0][1]


def close_duckdb() -> None:
    """Close the database dbt-duckdb keeps open after a build (its environment outlives the
    command in a process that goes on): the run's later steps open the file with other settings,
    which DuckDB refuses while dbt's connection is open, and other processes need its lock."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        env, DuckDBConnectionManager._ENV = DuckDBConnectionManager._ENV, None
    if env is not None:
        env.close()


def node_end(data) -> tuple[int, str]:
    """From the data of an event that ends a node: how many nodes the command runs, and the
    node with its status. (A test's result names the total `num_models`; a skip has no status.)"""
    total = data.total if hasattr(data, "total") else data.num_models
    return total, f"{data.node_info.unique_id} {getattr(data, 'status', 'skipped')}"


def step_invocation(context: AssetExecutionContext, args: list[str]):
    """dbt's arguments for this step's selection of assets and checks, the environment that goes
    with them, and the step's manifest and translator: what dagster-dbt computes for its CLI."""
    cleaned, selects, excludes = extract_runtime_selection_from_args(args)
    params = get_updated_cli_invocation_params_for_context(
        context=context,
        manifest={},
        dagster_dbt_translator=DagsterDbtTranslator(),
        runtime_selects=selects,
        runtime_excludes=excludes,
    )
    env = {DBT_INDIRECT_SELECTION_ENV: params.indirect_selection} if params.indirect_selection else {}
    return [*cleaned, *params.selection_args], env, params


def build(
    context: AssetExecutionContext,
    args: list[str],
    *,
    project_dir: Path,
    target_path: Path,
    env: dict[str, str],
    key: tuple,
) -> Iterator:
    """Run `dbt <args>` here and yield what dagster-dbt would yield for it. Raises Failure
    naming dbt's errors when the command fails (a failed test included), after its events."""
    from dbt.cli.main import dbtRunner
    from dbt_common.events.functions import msg_to_dict

    project_args = [
        *("--project-dir", str(project_dir), "--profiles-dir", str(project_dir)),
        *("--target-path", str(target_path), "--log-path", str(target_path)),
    ]
    dbt_args, selection_env, params = step_invocation(context, args)
    raw_events: list[dict] = []
    errors: list[str] = []
    # the assets' events are yielded when dbt has finished; meanwhile the log says how far it is
    # (dbt calls back from its worker threads, one per model it builds at a time)
    progress: list[Progress] = []
    progress_lock = threading.Lock()

    def collect(event) -> None:
        name = event.info.name
        if event.info.level == "error":
            errors.append(event.info.msg)
        if name in NODE_END_EVENTS:
            total, detail = node_end(event.data)
            with progress_lock:
                if not progress:
                    progress.append(Progress(context.log, "dbt build, nodes", total))
                progress[0].step(detail)
        if name in RESULT_EVENTS:
            raw_events.append(msg_to_dict(event))
            if len(raw_events) == 10:
                failpoint("dbt")

    with environment({**env, **selection_env, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}):
        dbt_manifest = parsed_project(project_args, key)
        try:
            result = dbtRunner(manifest=dbt_manifest, callbacks=[collect]).invoke([*dbt_args, *project_args])
        finally:
            close_duckdb()
    for raw in raw_events:
        event = DbtCoreCliEventMessage(raw_event=raw, event_history_metadata={})
        yield from event.to_default_asset_events(
            manifest=params.manifest,
            dagster_dbt_translator=params.dagster_dbt_translator,
            context=context,
            target_path=target_path,
        )
    if not result.success:
        shown = "\n".join(errors[-20:]) or str(result.exception or "dbt reported failures")
        raise Failure(
            f"dbt {' '.join(args)} failed:\n{shown}",
            metadata={"dbt_log": str(target_path / "dbt.log")},
        )
