"""Money helpers: integer cents, one rounding rule, French formatting. No float anywhere.

Rates are integers in basis points (1 % = 100 bp), so every computation stays exact.
"""

from decimal import Decimal, InvalidOperation

BASIS_POINTS = 10_000
NARROW_NBSP = "\u202f"  # thousands separator in French (CLDR)
NBSP = "\u00a0"  # before the currency sign and the percent sign


def round_half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded to the nearest integer, halves away from zero."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    sign = -1 if numerator < 0 else 1
    quotient, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return sign * quotient


def apply_rate(cents: int, rate_bp: int) -> int:
    """``cents × rate``, rounded half up to the cent: ``apply_rate(1000, 400) == 40``."""
    return round_half_up(cents * rate_bp, BASIS_POINTS)


def _group(digits: str) -> str:
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return NARROW_NBSP.join(groups)


def format_eur(cents: int) -> str:
    """French display of an amount: ``format_eur(123456) == "1 234,56 €"`` (narrow no-break spaces)."""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(int(cents)), 100)
    return f"{sign}{_group(str(euros))},{rest:02d}{NBSP}€"


def format_percent(numerator: int, denominator: int, decimals: int = 2) -> str:
    """A ratio as a French percentage rounded half up: ``format_percent(952, 1000) == "95,20 %"``."""
    if denominator == 0:
        return "—"
    scale = 10**decimals
    value = round_half_up(numerator * 100 * scale, denominator)
    whole, fraction = divmod(abs(value), scale)
    sign = "-" if value < 0 else ""
    text = f"{sign}{whole},{fraction:0{decimals}d}" if decimals else f"{sign}{whole}"
    return f"{text}{NBSP}%"


def format_rate(rate_bp: int) -> str:
    """A rate in basis points in French: ``format_rate(400) == "4 %"``, ``format_rate(2050) == "20,5 %"``."""
    whole, fraction = divmod(rate_bp, 100)
    text = f"{whole},{fraction:02d}".rstrip("0").rstrip(",") if fraction else str(whole)
    return f"{text}{NBSP}%"


def parse_eur(text: str) -> int:
    """``"1 234,56"`` or ``"1234.56 €"`` -> 123456 cents. Raises ValueError on anything else."""
    cleaned = (text or "").replace("€", "").replace(NARROW_NBSP, "").replace(NBSP, "").replace(" ", "")
    cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {text!r}") from exc
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(f"more than two decimals: {text!r}")
    return int(value * 100)


def parse_rate(text: str) -> int:
    """``"4"``, ``"20,5 %"`` or ``"1.25"`` (percent) -> basis points (400, 2050, 125). Raises ValueError otherwise."""
    cleaned = (text or "").replace("%", "").replace(NBSP, "").replace(" ", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(f"not a rate: {text!r}") from exc
    basis_points = value * 100
    if not basis_points.is_finite() or basis_points != basis_points.to_integral_value() or basis_points < 0:
        raise ValueError(f"not a rate in basis points: {text!r}")
    return int(basis_points)
