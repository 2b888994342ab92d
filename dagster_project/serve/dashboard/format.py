"""How numbers read on screen: thousands separators, percentages, money with 2 decimals (the CSVs
and the API keep 6), signed day-over-day changes."""

from __future__ import annotations

from decimal import Decimal


def count(value) -> str:
    return "–" if value is None else f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def pct(value) -> str:
    return "–" if value is None else f"{value * 100:,.1f}%"


def money(value) -> str:
    return "–" if value is None else f"${Decimal(value):,.2f}"


def change(value, kind: str = "count") -> str:
    if value is None:
        return "no change to compare"
    if value == 0:
        return "± 0 vs the day before"
    text = money(abs(value)) if kind == "money" else f"{abs(value):,.2f}" if kind == "number" else count(abs(value))
    return f"{'▲' if value > 0 else '▼'} {text} vs the day before"


def exact(value) -> str:
    """The value as data-value carries it: the mart's exact value."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.6f}"
    return str(value)


FILTERS = {"count": count, "pct": pct, "money": money, "change": change, "exact": exact}
