"""SQL text built in Python: one way to quote a literal, used by every layer."""


def sql_literal(text: str) -> str:
    """`text` as a single-quoted SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def rollback(conn) -> None:
    """Roll back the open transaction of a DuckDB connection, if it can be: called while another
    error is on its way, a failure here (a full disk can abort the transaction and the rollback
    with it) must not replace that error, which says what went wrong."""
    import duckdb

    try:
        conn.execute("rollback")
    except duckdb.Error:
        pass
