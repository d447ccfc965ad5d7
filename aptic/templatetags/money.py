from django import template

from aptic.money import format_eur, format_percent, format_rate

register = template.Library()


@register.filter
def eur(cents):
    """``{{ order.total_ttc|eur }}`` -> ``10 480,00 €``."""
    if cents is None or cents == "":
        return ""
    return format_eur(int(cents))


@register.filter
def rate(rate_bp):
    """``{{ rates.vat_bp|rate }}`` -> ``20 %``."""
    if rate_bp is None or rate_bp == "":
        return ""
    return format_rate(int(rate_bp))


@register.simple_tag
def percent(numerator, denominator, decimals=2):
    """``{% percent paid face %}`` -> ``95,20 %``."""
    return format_percent(int(numerator or 0), int(denominator or 0), decimals)
