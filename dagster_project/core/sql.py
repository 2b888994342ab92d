"""SQL text built in Python: one way to quote a literal, used by every layer."""


def sql_literal(text: str) -> str:
    """`text` as a single-quoted SQL string literal."""
    return "'" + text.replace("'", "''") + "'"
