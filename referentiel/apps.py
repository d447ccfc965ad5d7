from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_migrate

EDIT = ("view", "add", "change", "delete")


def _ensure_reference_data(sender, **kwargs):
    """Vocabularies, then the first published version when the database has none.

    Runs after every ``migrate`` and after each flush of the test suite's transactional tests, which empty
    every table: the reference data come back each time.
    """
    from referentiel.models import Format, Public, StandardService
    from referentiel.seed import seed_first_version
    from referentiel.vocabularies import FORMATS, PUBLICS, STANDARD_SERVICES

    for model, values in ((Format, FORMATS), (Public, PUBLICS), (StandardService, STANDARD_SERVICES)):
        for position, (value, label) in enumerate(values):
            model.objects.get_or_create(value=value, defaults={"label": label, "position": position})
    seed_first_version()


class ReferentielConfig(AppConfig):
    name = "referentiel"
    verbose_name = "Référentiel national"
    staff_permissions = {
        "qualification": [
            *(f"{action}_{model}" for model in ("version", "category", "service") for action in EDIT),
            "publish_version",
            "view_versiontransition",
            "view_format",
            "view_public",
            "view_standardservice",
        ],
        "support": ["view_version", "view_category", "view_service", "view_versiontransition"],
        "finance": ["view_version", "view_category", "view_service"],
    }

    def ready(self):
        from referentiel.models import Service, refuse_links_of_published_services

        post_migrate.connect(_ensure_reference_data, sender=self)
        for through in (Service.publics.through, Service.formats.through, Service.standard_services.through):
            m2m_changed.connect(
                refuse_links_of_published_services, sender=through, dispatch_uid=f"referentiel.frozen.{through}"
            )
