from django.utils.translation import gettext_lazy as _

from aptic.errors import BusinessError
from cheques.models import DocumentCounter


class AlreadyDone(BusinessError):
    """A repeated action: nothing changes, the person is told it was already done."""

    code = "already_done"
    status = 409


def already_done(message=None) -> AlreadyDone:
    return AlreadyDone(message or _("Déjà effectué."))


def counter_reserve(key: str, count: int = 1) -> int:
    """Reserve ``count`` consecutive values of the counter ``key``; returns the first one.

    Call it inside a transaction: the counter row stays locked until commit, so numbers are gapless (a
    rolled-back transaction gives its numbers back) and two transactions never get the same one.
    """
    DocumentCounter.objects.bulk_create([DocumentCounter(key=key)], ignore_conflicts=True)
    counter = DocumentCounter.objects.select_for_update().get(key=key)
    first = counter.last_value + 1
    counter.last_value += count
    counter.save(update_fields=["last_value"])
    return first
