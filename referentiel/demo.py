"""Demo: next year's draft of the référentiel, copied from the version in force with two changes, so that
staff can try comparing and publishing (the published version itself is loaded by ``migrate``)."""

from accounts.models import User
from referentiel.enums import VersionStatus
from referentiel.models import Category, Service, StandardService, Version
from referentiel.services import service_save, version_copy

DRAFT_LABEL = "Référentiel national #APTIC — 2027 (brouillon de démonstration)"


def load(stdout) -> None:
    in_force = Version.objects.in_force()
    if in_force is None or Version.objects.filter(status=VersionStatus.DRAFT).exists():
        stdout.write("  referentiel: nothing to add")
        return
    staff = User.objects.filter(email="qualification@demo.aptic.test").first()
    draft = version_copy(version=in_force, by=staff, label=DRAFT_LABEL)
    longer = Service.objects.get(version=draft, code="numerique-sobre")
    longer.duration_minutes, longer.cost_in_cheques = 120, 2
    service_save(service=longer, by=staff)
    added = Service(
        version=draft,
        category=Category.objects.get(version=draft, code="demarches"),
        code="energie-cheque-energie",
        label="Suivre ses factures d'énergie et utiliser son chèque énergie en ligne",
        description=(
            "Créer son espace client chez son fournisseur d'énergie, relever et transmettre ses index, "
            "comprendre sa facture, utiliser son chèque énergie en ligne ou le faire attribuer automatiquement."
        ),
        duration_minutes=60,
        cost_in_cheques=1,
        position=9,
    )
    service_save(
        service=added,
        by=staff,
        publics=in_force.services.get(code="logement-demarches").publics.all(),
        formats=in_force.services.get(code="logement-demarches").formats.all(),
        standard_services=StandardService.objects.filter(value="aide_demarches_administratives"),
    )
    stdout.write(f"  referentiel: draft {draft.number} copied from version {in_force.number}, with two changes")
