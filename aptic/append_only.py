"""Tables whose rows are written once and never changed (the ledger, the audit log, the history).

Python refuses updates and deletes here; the database refuses them too (triggers installed by the
migrations of ``ledger`` and ``accounts``), so raw SQL and bulk statements cannot get round it.
"""

from django.db import models


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model._meta.label} is append-only: no update")

    def delete(self):
        raise AppendOnlyError(f"{self.model._meta.label} is append-only: no delete")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.label} is append-only: no update")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self._meta.label} is append-only: no delete")
