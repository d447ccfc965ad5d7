import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aptic.fields import PositiveMoneyField, RateField
from cheques.pricing import Rates


class FeeRatesQuerySet(models.QuerySet):
    def in_force(self, on: datetime.date | None = None) -> "FeeRates":
        """The rates in force on ``on`` (today by default): the latest row that started on or before it."""
        on = on or timezone.localdate()
        rates = self.filter(valid_from__lte=on).order_by("-valid_from").first()
        if rates is None:
            raise FeeRates.DoesNotExist(f"no fee rates in force on {on}")
        return rates


class FeeRates(models.Model):
    """Face value and fee rates, set yearly by the cooperative's governance. History is kept: a change is a
    new row with a later start date; a row already in force is never edited (the admin makes it read-only).
    """

    valid_from = models.DateField(_("en vigueur à partir du"), unique=True)
    face_value = PositiveMoneyField(_("valeur faciale d'un chèque"), default=1000)
    upstream_fee_bp = RateField(_("taux des frais contributifs amont (HT)"), default=400)
    downstream_fee_bp = RateField(_("taux des frais contributifs aval (HT)"), default=400)
    vat_bp = RateField(_("taux de TVA sur les frais"), default=2000)
    mutations_bp = RateField(_("contribution au fonds Mutations"), default=100)
    decision = models.CharField(
        _("décision"), max_length=200, blank=True, help_text=_("La décision de gouvernance qui fixe ces taux.")
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("créé par"),
    )

    objects = FeeRatesQuerySet.as_manager()

    class Meta:
        verbose_name = _("barème des frais")
        verbose_name_plural = _("barèmes des frais")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(condition=models.Q(face_value__gt=0), name="feerates_face_value_positive"),
            models.CheckConstraint(
                condition=models.Q(
                    upstream_fee_bp__lte=10_000,
                    downstream_fee_bp__lte=10_000,
                    vat_bp__lte=10_000,
                    mutations_bp__lte=10_000,
                ),
                name="feerates_rates_at_most_100_percent",
            ),
        ]

    def __str__(self):
        return str(_("Barème du %(date)s") % {"date": self.valid_from.strftime("%d/%m/%Y")})

    def as_rates(self) -> Rates:
        return Rates(
            face_value=self.face_value,
            upstream_fee_bp=self.upstream_fee_bp,
            downstream_fee_bp=self.downstream_fee_bp,
            vat_bp=self.vat_bp,
            mutations_bp=self.mutations_bp,
        )

    @property
    def is_locked(self) -> bool:
        """In force or past: part of history, never edited again."""
        return self.pk is not None and self.valid_from <= timezone.localdate()
