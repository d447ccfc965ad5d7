from django import template

from qualification.enums import ApplicationStatus
from qualification.models import Application

register = template.Library()


@register.simple_tag
def pending_applications_count() -> int:
    """Applications submitted and waiting for a reviewer (the staff dashboard's figure)."""
    return Application.objects.filter(status=ApplicationStatus.SUBMITTED).count()
