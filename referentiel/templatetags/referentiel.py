from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration(minutes) -> str:
    """A duration in French: ``45`` -> "45 min", ``60`` -> "1 h", ``90`` -> "1 h 30"."""
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        return ""
    hours, rest = divmod(minutes, 60)
    if not hours:
        text = _("%(minutes)s min") % {"minutes": rest}
    elif not rest:
        text = _("%(hours)s h") % {"hours": hours}
    else:
        text = _("%(hours)s h %(minutes)02d") % {"hours": hours, "minutes": rest}
    return text.replace(" ", "\u00a0")  # never split "1 h 30" over two lines
