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
        return _("%(minutes)s\u00a0min") % {"minutes": rest}
    if not rest:
        return _("%(hours)s\u00a0h") % {"hours": hours}
    return _("%(hours)s\u00a0h\u00a0%(minutes)02d") % {"hours": hours, "minutes": rest}
