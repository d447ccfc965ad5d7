"""Model fields shared by every app.

``MoneyField`` (integer cents) and ``RateField`` (integer basis points) store exactly what the plain integer
fields store; they only tell the admin to show euros and percentages (``aptic.admin``). They deconstruct as
the plain Django field, so migrations never see a change of column (on SQLite a changed field class would
rebuild the table and drop the ledger's triggers).
"""

from django.db import models


class URLField(models.URLField):
    """A web address. Its form field assumes ``https://`` when the scheme is left out (Django 6's default)."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})


class _SameColumn:
    """Deconstructs as the first Django field class among its bases: the same column, no migration."""

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        base = next(cls for cls in type(self).__mro__ if cls.__module__.startswith("django.db.models"))
        return name, f"django.db.models.{base.__name__}", args, kwargs


class MoneyField(_SameColumn, models.BigIntegerField):
    """An amount in integer cents (may be negative: a ledger credit)."""


class PositiveMoneyField(_SameColumn, models.PositiveIntegerField):
    """An amount in integer cents, never negative (a face value)."""


class RateField(_SameColumn, models.PositiveIntegerField):
    """A rate in basis points: 400 is 4 %."""


MONEY_FIELDS = (MoneyField, PositiveMoneyField)
