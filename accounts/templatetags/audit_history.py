from django import template

from accounts.history.display import history_of

register = template.Library()


@register.simple_tag(takes_context=True)
def object_changes(context, obj):
    """The database-kept history of ``obj`` in French (empty for an object whose table is not tracked)."""
    request = context.get("request")
    return history_of(obj, access=getattr(request, "access", None))
