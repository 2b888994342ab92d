"""How an error reads in one line: a summary, a log line or an API message shows its first line,
never a whole multi-line database error."""


def first_line(error: BaseException | str) -> str:
    text = str(error).strip()
    if text:
        return text.splitlines()[0]
    return type(error).__name__ if isinstance(error, BaseException) else ""
