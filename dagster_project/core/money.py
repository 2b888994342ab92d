"""Money as people and programs read it (SPEC §5, §7): a decimal string with 6 places, exact."""

from decimal import Decimal


def money_text(value):
    """A Decimal as its 6-place string; anything else as it is."""
    return f"{value:.6f}" if isinstance(value, Decimal) else value
