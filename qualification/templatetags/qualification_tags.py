from django import template

from qualification.enums import ApplicationStatus
from qualification.models import Application
from qualification.selectors import lieux_qualified

register = template.Library()


@register.simple_tag
def pending_applications_count() -> int:
    """Applications submitted and waiting for a reviewer (the staff dashboard's figure)."""
    return Application.objects.filter(status=ApplicationStatus.SUBMITTED).count()


@register.simple_tag
def lieux_offering(service_code: str, limit: int = 50) -> dict:
    """Lieux qualified today that offer the service with this stable code (whatever the version of their offer).

    Used by the référentiel's service page: the référentiel never imports what is built on top of it.
    """
    lieux = (
        lieux_qualified()
        .filter(services__code=service_code)
        .select_related("commune", "commune__departement")
        .order_by("commune__departement_id", "commune__name", "name")
    )
    count = lieux.count()
    return {"lieux": list(lieux[:limit]), "count": count, "hidden": max(0, count - limit)}
