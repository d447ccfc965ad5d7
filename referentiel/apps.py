from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_vocabularies(sender, **kwargs):
    from referentiel.models import Format, Public, StandardService
    from referentiel.vocabularies import FORMATS, PUBLICS, STANDARD_SERVICES

    for model, values in ((Format, FORMATS), (Public, PUBLICS), (StandardService, STANDARD_SERVICES)):
        for position, (value, label) in enumerate(values):
            model.objects.get_or_create(value=value, defaults={"label": label, "position": position})


class ReferentielConfig(AppConfig):
    name = "referentiel"
    verbose_name = "Référentiel national"

    def ready(self):
        post_migrate.connect(_ensure_vocabularies, sender=self)
