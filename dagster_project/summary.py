"""What a run did, in a few lines at its end: dates, lines per source, warnings, dbt's counts,
where the warehouse and the exports are (SPEC §6: a run that explains itself)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from dagster import AssetCheckSeverity, DagsterEventType

from .core.sources import SOURCES
from .exports.staging import published_run_id
from .ingest.discovery import DumpDirectory
from .settings import Settings

TABLE_SOURCE = {t.name: s.name for s in SOURCES.values() for t in s.tables}
SOURCE_ORDER = list(SOURCES)
DBT_SCHEMAS = ("staging", "intermediate", "facts", "marts", "meta")


def _value(metadata, key, default=None):
    entry = metadata.get(key)
    return default if entry is None else getattr(entry, "value", entry)


def duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


@dataclass
class RunSummary:
    settings: Settings
    start: dt.date
    end: dt.date
    success: bool
    lines: Counter = field(default_factory=Counter)  # per source
    accepted: Counter = field(default_factory=Counter)
    rejected: Counter = field(default_factory=Counter)
    ignored_files: int = 0
    warnings: list[str] = field(default_factory=list)
    dbt_models: int = 0
    dbt_tests: Counter = field(default_factory=Counter)  # pass / warn / fail
    exports: dict[str, dict] = field(default_factory=lambda: defaultdict(dict))
    published: bool = False
    exports_unmoved: bool = False  # published, but the exports' move failed: the next run completes it
    notes: list[str] = field(default_factory=list)  # what the run decided beyond its dates (a full build)
    dates_with_files: int | None = None  # of the range's dates, how many have a dump folder
    elapsed: float | None = None  # seconds, from the command's start

    @classmethod
    def from_result(
        cls, result, settings: Settings, start: dt.date, end: dt.date, notes=(), elapsed: float | None = None
    ) -> RunSummary:
        summary = cls(settings, start, end, result.success, notes=list(notes), elapsed=elapsed)
        summary.dates_with_files = sum(start <= d <= end for d in DumpDirectory.scan(settings.raw_dir).dump_dates())
        seen = set()  # a run over many partitions reports each asset and check once per partition
        for event in result.all_events:
            if event.event_type == DagsterEventType.ASSET_MATERIALIZATION and event.asset_key not in seen:
                seen.add(event.asset_key)
                summary._materialized(event.asset_key.path, event.event_specific_data.materialization.metadata)
            elif event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION:
                evaluation = event.event_specific_data
                if (evaluation.asset_key, evaluation.check_name) not in seen:
                    seen.add((evaluation.asset_key, evaluation.check_name))
                    summary._checked(evaluation)
        if not summary.published and published_run_id(settings.warehouse) == result.run_id:
            # the publish (the commit point) happened and a later part of its step failed
            summary.published = summary.exports_unmoved = True
        return summary

    def _materialized(self, path: list[str], metadata) -> None:
        if path[0] == "raw" and path[-1] in TABLE_SOURCE:
            source = TABLE_SOURCE[path[-1]]
            self.lines[source] += _value(metadata, "lines", 0)
            self.accepted[source] += _value(metadata, "records_accepted", 0)
            self.rejected[source] += _value(metadata, "records_rejected", 0)
        elif path == ["raw", "ignored_files"]:
            self.ignored_files = _value(metadata, "ignored_files", 0)
        elif path[0] in DBT_SCHEMAS:
            self.dbt_models += 1
        elif path[-1] in ("spend_csv_export", "claude_code_csv_export", "mart_parquet_snapshots"):
            self.exports[path[-1]] = {k: _value(metadata, k) for k in metadata}
        elif path[-1] == "published_warehouse":
            self.published = True

    def _checked(self, evaluation) -> None:
        path = evaluation.asset_key.path
        is_dbt = path[0] in DBT_SCHEMAS
        if evaluation.passed:
            if is_dbt:
                self.dbt_tests["pass"] += 1
            return
        warn = evaluation.severity == AssetCheckSeverity.WARN
        if is_dbt:
            self.dbt_tests["warn" if warn else "fail"] += 1
        detail = evaluation.description or ", ".join(
            f"{k}={_value(evaluation.metadata, k)}"
            for k in ("rejection_rate", "ignored_files", "failures")
            if k in evaluation.metadata
        )
        self.warnings.append(
            f"{'WARN' if warn else 'FAIL'} {'/'.join(path)} {evaluation.check_name}" + (f": {detail}" if detail else "")
        )

    def render(self) -> str:
        days = (self.end - self.start).days + 1
        span = f"{days} days" if days != 1 else "1 day"
        if self.dates_with_files is not None and self.dates_with_files != days:
            span += f", {self.dates_with_files} with dump files"
        took = f" in {duration(self.elapsed)}" if self.elapsed is not None else ""
        out = [f"== run {'succeeded' if self.success else 'FAILED'}: dump dates {self.start} .. {self.end} ({span}){took}"]
        out.extend(f"   {note}" for note in self.notes)
        for source in SOURCE_ORDER:
            if source in self.lines:
                out.append(
                    f"   {source:<12} {self.lines[source]:>10,} lines  {self.accepted[source]:>10,} accepted  "
                    f"{self.rejected[source]:>7,} rejected"
                )
        out.append(
            f"   ignored files: {self.ignored_files} (see raw.ignored_files)" if self.ignored_files else "   ignored files: none"
        )
        if self.dbt_models or self.dbt_tests:
            out.append(
                f"   dbt: {self.dbt_models} models built; tests {self.dbt_tests['pass']} passed, "
                f"{self.dbt_tests['warn']} warned, {self.dbt_tests['fail']} failed"
            )
        for warning in self.warnings:
            out.append(f"   {warning}")
        if self.exports and not self.published:
            # SPEC §6: exports become visible only with their warehouse
            out.append("   exports: unchanged (staged files are discarded; the next run writes them)")
            out.append("   published warehouse: unchanged (nothing was published)")
            return "\n".join(out)
        spend = self.exports.get("spend_csv_export")
        if spend:
            out.append(
                f"   spend CSVs: {spend.get('files', 0):,} files, {spend.get('rows', 0):,} rows in "
                f"{self.settings.exports_dir / 'spend'} (index.csv lists every organisation and date)"
            )
            if spend.get("example") and spend["example"] != "none":
                out.append(f"     e.g. {spend['example']}")
        code = self.exports.get("claude_code_csv_export")
        if code:
            out.append(
                f"   Claude Code CSVs: {code.get('files', 0):,} files, {code.get('rows', 0):,} rows in "
                f"{self.settings.exports_dir / 'claude_code'}"
            )
        snapshots = self.exports.get("mart_parquet_snapshots")
        if snapshots:
            out.append(f"   Parquet snapshots: {snapshots.get('files', 0):,} files in {self.settings.exports_dir / 'snapshots'}")
        if self.exports_unmoved:
            out.append(
                "   exports: staged, not all in place (moving them failed after the publish; the next run "
                "completes the move before anything else)"
            )
        out.append(
            f"   published warehouse: {self.settings.warehouse}"
            if self.published
            else "   published warehouse: unchanged (nothing was published)"
        )
        return "\n".join(out)
