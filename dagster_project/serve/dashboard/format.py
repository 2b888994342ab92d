"""How numbers read on screen: thousands separators, percentages, money with 2 decimals (the CSVs
and the API keep 6), signed day-over-day changes."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

from markupsafe import Markup, escape


def count(value) -> str:
    return "–" if value is None else f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def pct(value) -> str:
    return "–" if value is None else f"{value * 100:,.1f}%"


def money(value) -> str:
    return "–" if value is None else f"${Decimal(value):,.2f}"


CHANGE_TEXT = {
    "money": money,
    "pct": lambda v: f"{v * 100:,.1f} pp",  # a rate's change in percentage points, beside a percentage
    "number": lambda v: f"{v:,.2f}",
    "count": count,
}


def change(value, kind: str = "count") -> Markup | str:
    """The day-over-day change in the tile's unit, coloured by direction (spend in a neutral colour:
    more spend is neither good nor bad news); the arrow says the direction without colour."""
    if value is None:
        return "no change to compare"
    if value == 0:
        return "± 0 vs the day before"
    direction = "up" if value > 0 else "down"
    tone = "neutral" if kind == "money" else direction
    arrow = "▲" if value > 0 else "▼"
    return Markup(f'<span class="change {tone}">{arrow} {escape(CHANGE_TEXT[kind](abs(value)))}</span> vs the day before')


def utc(value) -> str:
    """A timestamp as people read it: to the minute, in UTC."""
    if value is None:
        return "–"
    if getattr(value, "tzinfo", None) is not None:
        value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%d %H:%M")


def exact(value) -> str:
    """The value as data-value carries it: the mart's exact value."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.6f}"
    return str(value)


# What a JSON text must not carry inside an HTML <script> element: "</script" or "<!--" would end
# or change the element (json.dumps escapes neither), and U+2028/U+2029 end a line in older
# JavaScript. Each becomes its \\uXXXX escape, which JSON.parse reads back as the same character.
_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_SCRIPT_UNSAFE_RE = re.compile("[<>&\u2028\u2029]")


def script_json(value) -> Markup:
    """A value as JSON that is safe inside <script type="application/json">, whatever text it holds
    (names and model ids come from raw data)."""
    text = json.dumps(value, default=str)
    return Markup(_SCRIPT_UNSAFE_RE.sub(lambda m: _SCRIPT_UNSAFE[m.group()], text))


FILTERS = {"count": count, "pct": pct, "money": money, "change": change, "exact": exact, "utc": utc}
