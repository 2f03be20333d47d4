"""Money and quantity precision, and the two ways numbers leave for a store.

Money and quantities are Decimal everywhere; float never touches them.
"""

from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

MONEY_MAX_DIGITS = 14
MONEY_DECIMAL_PLACES = 2
QUANTITY_MAX_DIGITS = 15
QUANTITY_DECIMAL_PLACES = 3

_CENT = Decimal(1).scaleb(-MONEY_DECIMAL_PLACES)
_QUANTUM = Decimal(1).scaleb(-QUANTITY_DECIMAL_PLACES)


def quantize_money(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def quantize_quantity(value: Decimal) -> Decimal:
    return value.quantize(_QUANTUM, rounding=ROUND_HALF_UP)


def money_to_wire(value: Decimal | None) -> str:
    """A price as the store wants it: a string with two decimals, or "" when there is none."""
    return "" if value is None else str(quantize_money(value))


def stock_to_wire(value: Decimal) -> int:
    """Stock as the store wants it: a whole number rounded down, never below zero, so the store
    never promises a unit that is not there."""
    return max(0, int(value.to_integral_value(rounding=ROUND_FLOOR)))
