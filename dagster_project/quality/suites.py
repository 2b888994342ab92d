"""Great Expectations suites for the raw tables, derived from the field specs of SPEC §2.

The loader already rejects bad lines; the suites verify, on what was accepted, that keys are
present, enums accepted, counts and amounts non-negative and timestamps parsed, so a loader
regression cannot slip bad rows into the warehouse unnoticed.
"""

from __future__ import annotations

import logging
import os

import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd
from great_expectations.data_context.types.base import ProgressBarsConfig

from ..ingest.sources import Field, Table

logging.getLogger("great_expectations").setLevel(logging.WARNING)
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # no usage reporting from a batch job


def column_name(f: Field) -> str:
    return f.path.replace(".", "__")


def checked_fields(table: Table) -> list[Field]:
    """Fields every accepted record has (conditional ones are checked by the loader only)."""
    seen, fields = set(), []
    for f in table.fields:
        if f.when is None and f.kind != "costs" and f.path not in seen:
            seen.add(f.path)
            fields.append(f)
    return fields


def extraction_sql(table: Table, days: int = 1) -> str:
    """Columns of the accepted rows, typed the way the suite checks them (one JSON parse per row)."""
    fields = checked_fields(table)
    paths = ", ".join(f"'$.{f.path}'" for f in fields)
    cols = ["record_key", "record_day"]
    for i, f in enumerate(fields, start=1):
        value = f"vals[{i}]"
        if f.kind == "timestamp":
            value = f"try_cast({value} as timestamptz)::varchar"
        elif f.kind in ("count", "money"):
            value = f"try_cast({value} as double)"
        elif f.kind == "object":
            value = f"case when {value} is not null then 'object' end"  # presence is what is checked
        cols.append(f"{value} as {column_name(f)}")
    placeholders = ", ".join("?" * days)
    return (f"select {', '.join(cols)} from (select record_key, record_day, json_extract_string(record, [{paths}]) as vals "
            f"from raw.{table.name} where dump_date in ({placeholders}))")


def build_suite(table: Table) -> gx.ExpectationSuite:
    suite = gx.ExpectationSuite(name=f"raw_{table.name}")
    suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column="record_key"))
    if table.record_time:
        suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column="record_day"))
    for f in checked_fields(table):
        col = column_name(f)
        if f.required:
            suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column=col))
        if f.kind == "enum":
            suite.add_expectation(gxe.ExpectColumnValuesToBeInSet(column=col, value_set=list(f.values)))
        if f.kind in ("count", "money"):
            suite.add_expectation(gxe.ExpectColumnValuesToBeBetween(column=col, min_value=0))
    return suite


class SuiteRunner:
    """One ephemeral GX context per run; validates pandas frames against a table's suite."""

    def __init__(self) -> None:
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        self.batches = self.context.data_sources.add_pandas("raw_days").add_dataframe_asset("day")
        self.batch_definition = self.batches.add_batch_definition_whole_dataframe("whole_day")

    def validate(self, table: Table, frame: pd.DataFrame) -> list[str]:
        """Descriptions of the failed expectations (empty when all pass)."""
        if frame.empty:
            return []
        batch = self.batch_definition.get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(build_suite(table))
        failures = []
        for r in result.results:
            if not r.success:
                cfg = r.expectation_config
                failures.append(f"{cfg.type} on {cfg.kwargs.get('column')}: "
                                f"{r.result.get('unexpected_count', '?')} unexpected")
        return failures
