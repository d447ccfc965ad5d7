"""Guarded state changes with their log row, shared by applications and qualifications."""

from django.db import models
from django.utils.translation import gettext as _

from accounts.services import audit_record
from aptic.errors import BusinessError
from qualification.models import Transition


def transition(
    instance: models.Model,
    *,
    to: str,
    allowed_from: set[str],
    by,
    reason: str = "",
    log_field: str,
    action: str,
    organisation=None,
    **extra_updates,
) -> None:
    """Move ``instance`` to ``to`` with a guarded ``UPDATE … WHERE status IN allowed_from``.

    A repeated action ("already done") and an impossible one are refused with a clear message; nothing
    changes. The log row (``Transition``) and the audit event are written in the caller's transaction.
    """
    model = type(instance)
    updated = model.objects.filter(pk=instance.pk, status__in=allowed_from).update(status=to, **extra_updates)
    if not updated:
        current = model.objects.values_list("status", flat=True).get(pk=instance.pk)
        if current == to:
            raise BusinessError(_("Déjà effectué."), code="already_done", status=409)
        label = dict(model._meta.get_field("status").choices).get(current, current)
        raise BusinessError(
            _("Impossible dans l'état actuel (« %(state)s »).") % {"state": label}, code="invalid_state", status=409
        )
    from_status = instance.status
    instance.status = to
    for field, value in extra_updates.items():
        setattr(instance, field, value)
    Transition.objects.create(
        **{log_field: instance},
        from_status=from_status,
        to_status=to,
        actor=by if by is not None and by.pk else None,
        reason=reason,
    )
    audit_record(
        action=action,
        actor=by,
        organisation=organisation,
        target=instance,
        data={"from": from_status, "to": to, "reason": reason},
    )
