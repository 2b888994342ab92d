"""Turn a table's field list into one SQL expression giving the first rejection reason (SPEC §2.5).

The expression is evaluated by DuckDB over every line of a day at once; it yields NULL for a
good record and `<code>: <field>` for a bad one. Codes are stable, so counts per reason can be
compared across runs: line_too_long, not_json_object, duplicate_key, missing_field, wrong_type,
unknown_enum, invalid_field, bad_timestamp, negative_value, out_of_range, too_far_in_future.

SPEC §2.5: a record that is accepted can never make a later step fail. Every value that is
accepted fits the type staging casts it to (integers a signed 64-bit integer, `cost_usd`
DECIMAL(18,6), an estimated cost 12 digits of cents), and the marts sum them in types wide enough
for a million of the largest (dbt/macros/wide_types.sql).
"""

from __future__ import annotations

from ..core.names import SAFE_NAME_PATTERN
from ..core.sources import Field, Table
from ..core.sql import sql_literal

INTEGER_TYPES = "('UBIGINT', 'BIGINT')"
INT64_MAX = 2**63 - 1
# ISO-8601 date and time with an explicit offset that RFC 3339 allows (hours 00-23, minutes
# 00-59: "+24:00" or "+99:99" would move the record's day); DuckDB then checks the calendar
ISO_WITH_OFFSET = (
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?"
    r"(Z|[+-]([01]\d|2[0-3]):?[0-5]\d)$"
)
DECIMAL_6 = r"^\d{1,12}(\.\d{1,6})?$"
# a decimal that is well formed but too large or too precise, or written with an exponent
NUMERIC_TEXT = r"^\d+(\.\d+)?([eE][+-]?\d+)?$|^[+-]?(?i:nan|inf|infinity)$"
# SPEC §2.3: estimated_cost.amount is an integer of at most 12 digits (US cents)
MAX_CENTS = 10**12 - 1

# SPEC §2.5: a line over 16 MiB is rejected as line_too_long. The loader replaces such a line
# by this marker (a control character no JSON line starts with), its size and its first bytes.
MAX_LINE_BYTES = 16 * 1024 * 1024
LINE_TOO_LONG_MARKER = "\x02line_too_long:"


def _type_check(f: Field, jtype: str, value: str, jvalue: str) -> str:
    """SQL giving a reason when a present, non-null value is not of the field's kind."""
    wrong, bad = sql_literal(f"wrong_type: {f.path}"), sql_literal
    if f.kind == "string":
        return f"case when {jtype} <> 'VARCHAR' then {wrong} end"
    if f.kind == "safe_name":
        return (
            f"case when {jtype} <> 'VARCHAR' then {wrong} "
            f"when not regexp_matches({value}, {sql_literal(SAFE_NAME_PATTERN)}) then {bad(f'invalid_field: {f.path}')} end"
        )
    if f.kind == "enum":
        values = ", ".join(sql_literal(v) for v in f.values)
        return (
            f"case when {jtype} <> 'VARCHAR' then {wrong} "
            f"when {value} not in ({values}) then {bad(f'unknown_enum: {f.path}')} end"
        )
    if f.kind == "timestamp":
        return (
            f"case when {jtype} <> 'VARCHAR' then {wrong} "
            f"when not regexp_matches({value}, {sql_literal(ISO_WITH_OFFSET)}) "
            f"or try_cast({value} as timestamptz) is null then {bad(f'bad_timestamp: {f.path}')} end"
        )
    if f.kind == "count":
        return _integer_check(f.path, jtype, value, INT64_MAX)
    if f.kind == "money":
        return (
            f"case when {jtype} <> 'VARCHAR' then {wrong} "
            f"when regexp_matches(trim({value}), '^-\\d') then {bad(f'negative_value: {f.path}')} "
            f"when regexp_matches({value}, {sql_literal(DECIMAL_6)}) then null "
            f"when regexp_matches({value}, {sql_literal(NUMERIC_TEXT)}) then {bad(f'out_of_range: {f.path}')} "
            f"else {wrong} end"
        )
    if f.kind == "bool":
        return f"case when {jtype} <> 'BOOLEAN' then {wrong} end"
    if f.kind == "object":
        return f"case when {jtype} <> 'OBJECT' then {wrong} end"
    if f.kind == "costs":
        # model_breakdown: a list whose every estimated_cost.amount is an integer of cents, 0 .. MAX_CENTS
        path = f"{f.path}.estimated_cost.amount"
        amounts = f"json_extract({jvalue}, '$[*].estimated_cost.amount')"
        item_reason = _integer_check(path, "json_type(a)", "json_extract_string(a, '$')", MAX_CENTS)
        return (
            f"case when {jtype} <> 'ARRAY' then {wrong} "
            f"when len({amounts}) <> json_array_length({jvalue}) "
            f"then {bad(f'missing_field: {path}')} "
            f"else list_filter(list_transform({amounts}, lambda a: {item_reason}), lambda r: r is not null)[1] end"
        )
    raise ValueError(f"unknown field kind {f.kind!r} for {f.path}")


def _integer_check(path: str, jtype: str, value: str, maximum: int) -> str:
    """A JSON integer from 0 to `maximum`: larger ones, exponents, NaN and Infinity are out_of_range
    (DuckDB's JSON reader types them DOUBLE), other non-integers wrong_type."""
    return (
        f"case when {jtype} = 'DOUBLE' and (regexp_matches({value}, '[eE]') or isnan(try_cast({value} as double)) "
        f"or isinf(try_cast({value} as double)) or abs(try_cast({value} as double)) > {maximum}) "
        f"then {sql_literal(f'out_of_range: {path}')} "
        f"when {jtype} not in {INTEGER_TYPES} then {sql_literal(f'wrong_type: {path}')} "
        f"when try_cast({value} as hugeint) < 0 then {sql_literal(f'negative_value: {path}')} "
        f"when try_cast({value} as hugeint) > {maximum} then {sql_literal(f'out_of_range: {path}')} end"
    )


def object_paths(table: Table) -> list[str]:
    """The JSON objects whose fields the checks read: the record itself and every parent of a
    field path (`$[*]` for a list of objects), each checked for a key named twice."""
    paths = ["$"]
    for f in table.fields:
        parts = f.path.split(".")
        for n in range(1, len(parts)):
            paths.append("$." + ".".join(parts[:n]))
        if f.kind == "costs":
            paths += [f"$.{f.path}[*]", f"$.{f.path}[*].tokens", f"$.{f.path}[*].estimated_cost"]
    return list(dict.fromkeys(paths))


def duplicate_key_check(table: Table) -> str:
    """SQL giving `duplicate_key: <object>` when an object the checks read names a key twice
    (DuckDB's JSON functions would silently take the first; which value counts would be a guess).
    The plain objects' keys come from one json_keys call (one parse of the line); lists of objects
    (`$[*]`, which json_keys takes only one at a time) follow."""

    def label(path: str) -> str:
        return sql_literal("duplicate_key: " + (path.removeprefix("$.") if path != "$" else "record"))

    paths = object_paths(table)
    plain = [p for p in paths if "[*]" not in p]
    keys = f"json_keys(j, [{', '.join(sql_literal(p) for p in plain)}])"
    labels = f"[{', '.join(label(p) for p in plain)}]"
    checks = [
        f"list_filter(list_transform(list_zip({keys}, {labels}), "
        f"lambda z: case when len(z[1]) <> len(list_distinct(z[1])) then z[2] end), lambda r: r is not null)[1]"
    ]
    for path in (p for p in paths if "[*]" in p):
        lists = f"coalesce(list_transform(json_extract(j, {sql_literal(path)}), lambda o: json_keys(o)), [])"
        checks.append(
            f"case when list_bool_or(list_transform({lists}, lambda k: len(k) <> len(list_distinct(k)))) then {label(path)} end"
        )
    return "coalesce(" + ", ".join(checks) + ")"


def field_paths(table: Table) -> list[str]:
    """Every JSON path the checks read, in a fixed order: `v[i]` is path i (1-based)."""
    paths = []
    for path in [f.path for f in table.fields] + ["event_type", "actor.type"]:
        if path not in paths:
            paths.append(path)
    return paths


def extract_values(table: Table) -> str:
    """One parse of the line extracts every path (each JSON function call would parse it again)."""
    return "json_extract(j, [" + ", ".join(sql_literal(f"$.{p}") for p in field_paths(table)) + "])"


def value_of(table: Table, path: str) -> str:
    return f"v[{field_paths(table).index(path) + 1}]"


def field_check(table: Table, f: Field) -> str:
    jvalue = value_of(table, f.path)
    jtype = f"json_type({jvalue})"
    value = f"json_extract_string({jvalue}, '$')"
    absent = f"coalesce({jtype}, 'NULL') = 'NULL'"
    if f.required:
        missing = sql_literal(f"missing_field: {f.path}")
        check = f"case when {absent} then {missing} else {_type_check(f, jtype, value, jvalue)} end"
    else:
        check = f"case when not {absent} then {_type_check(f, jtype, value, jvalue)} end"
    return f"case when {f.when} then {check} end" if f.when else check


def reason_expression(table: Table) -> str:
    """First failing check of a line, or NULL. Expects columns j (the line as JSON, or NULL), v (the
    values of field_paths), event_type, actor_type, record_day and dump_date."""
    checks = [
        f"case when starts_with(raw_line, {sql_literal(LINE_TOO_LONG_MARKER)}) then 'line_too_long: ' || "
        f"split_part(substr(raw_line, {len(LINE_TOO_LONG_MARKER) + 1}), ':', 1) || ' bytes' end",
        "case when j is null or json_type(j) <> 'OBJECT' then 'not_json_object' end",
        duplicate_key_check(table),
    ]
    checks += [field_check(table, f) for f in table.fields]
    if table.record_time:
        # SPEC §2.5: a record dated later than the day after its dump cannot be genuine
        checks.append("case when record_day > dump_date + 1 then 'too_far_in_future' end")
    return "coalesce(\n  " + ",\n  ".join(checks) + "\n)"


def record_day_expression(table: Table) -> str:
    """The record's UTC day (NULL when it has no timestamp or it does not parse)."""
    if not table.record_time:
        return "null::date"
    value = f"json_extract_string({value_of(table, table.record_time)}, '$')"
    return f"cast(timezone('UTC', try_cast({value} as timestamptz)) as date)"
