"""Great Expectations suites of the raw tables, derived from the field specs of SPEC §2.

The loader already rejects bad lines; the suites verify, on what was accepted, that keys are
present, enums accepted, counts and amounts non-negative and timestamps parsed, so a loader
regression cannot slip bad rows into the warehouse unnoticed. DuckDB counts the violations per
dump day (summaries.py); the suite expects every count to be zero. Imported only in the quality
worker process (worker.py): Great Expectations takes seconds to import.
"""

from __future__ import annotations

import logging
import os

import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd
from great_expectations.data_context.types.base import ProgressBarsConfig

from ..core.sources import SOURCES, Table
from .summaries import violation_counts

logging.getLogger("great_expectations").setLevel(logging.WARNING)
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # no usage reporting from a batch job

TABLES = {t.name: t for s in SOURCES.values() for t in s.tables}


def build_suite(table: Table) -> gx.ExpectationSuite:
    suite = gx.ExpectationSuite(name=f"raw_{table.name}")
    suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column="rows"))
    for column, _ in violation_counts(table):
        suite.add_expectation(gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0, max_value=0))
    return suite


class SuiteRunner:
    """One ephemeral GX context; validates per-day summary frames against a table's suite."""

    def __init__(self) -> None:
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        self.batches = self.context.data_sources.add_pandas("raw_days").add_dataframe_asset("days")
        self.batch_definition = self.batches.add_batch_definition_whole_dataframe("summaries")
        self.suites = {name: build_suite(table) for name, table in TABLES.items()}

    def validate(self, table_name: str, rows: list[dict]) -> list[str]:
        """Descriptions of the failed expectations, with the days they failed on (empty when all pass)."""
        if not rows:
            return []
        frame = pd.DataFrame(rows)
        result = self.batch_definition.get_batch(batch_parameters={"dataframe": frame}).validate(self.suites[table_name])
        failures = []
        for r in result.results:
            if not r.success:
                column = r.expectation_config.kwargs.get("column")
                days = [row["dump_date"] for row in rows if row.get(column)]
                failures.append(
                    f"{r.expectation_config.type} on {column}: "
                    f"{sum(row.get(column) or 0 for row in rows)} rows, dump days {', '.join(days)}"
                )
        return failures


_runner: SuiteRunner | None = None


def validate(table_name: str, rows: list[dict]) -> list[str]:
    global _runner
    _runner = _runner or SuiteRunner()
    return _runner.validate(table_name, rows)
