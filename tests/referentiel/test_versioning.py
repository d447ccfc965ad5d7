"""Versions of the référentiel: the shipped version, drafts, publication, what is in force, comparison."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.enums import StaffRole
from accounts.models import AuditEvent
from referentiel import io, selectors, services
from referentiel.enums import VersionStatus
from referentiel.models import Category, Format, Public, Service, StandardService, Version
from referentiel.seed import SEED_FILE
from referentiel.vocabularies import STANDARD_SERVICES
from tests.factories import CategoryFactory, ServiceFactory, VersionFactory, qualified_lieu, staff_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def staff():
    return staff_user(StaffRole.QUALIFICATION)


@pytest.fixture
def v1():
    return Version.objects.get(number=1)


def content(version: Version) -> dict:
    """The exported content of a version, without what an import never keeps (number and state)."""
    import json

    data = json.loads(io.export_json(version))
    del data["version"]["numero"], data["version"]["etat"]
    return data


# --- The shipped version --------------------------------------------------------------------------


def test_a_new_database_has_a_first_published_version_in_force_since_1_january_2026(v1):
    assert v1.status == VersionStatus.PUBLISHED and v1.valid_from == datetime.date(2026, 1, 1)
    assert selectors.version_in_force(datetime.date(2026, 1, 1)) == v1
    assert selectors.version_in_force(datetime.date(2025, 12, 31)) is None
    assert list(v1.transitions.values_list("from_status", "to_status")) == [
        ("", VersionStatus.DRAFT),
        (VersionStatus.DRAFT, VersionStatus.PUBLISHED),
    ]


def test_the_first_version_is_written_for_real_use(v1):
    services_v1 = v1.services.prefetch_related("standard_services", "formats", "publics")
    assert v1.categories.count() >= 8 and services_v1.count() >= 30
    # Every service of the national standard is covered, every service maps to at least one of them.
    assert {s.value for service in services_v1 for s in service.standard_services.all()} == {
        value for value, _label in STANDARD_SERVICES
    }
    assert all(service.standard_services.all() for service in services_v1)
    assert all(service.formats.all() and service.publics.all() for service in services_v1)
    assert all(len(service.description) > 80 for service in services_v1)
    costs = [service.cost_in_cheques for service in services_v1]
    assert costs.count(1) > len(costs) / 2 and {2, 3} <= set(costs)
    labels = " ".join(services_v1.values_list("label", flat=True))
    for expected in ("smartphone", "ordinateur", "Mon Espace Santé", "Ameli", "France Travail", "hameçonnage"):
        assert expected in labels


def test_the_shipped_file_is_what_exporting_the_first_version_gives(v1):
    assert io.export_json(v1) == SEED_FILE.read_text(encoding="utf-8")


def test_the_first_version_is_loaded_only_when_there_is_no_version(v1):
    from referentiel.seed import seed_first_version

    assert seed_first_version() is None
    assert Version.objects.count() == 1


# --- Drafts ---------------------------------------------------------------------------------------


def test_copying_a_published_version_makes_a_draft_with_the_same_content(v1, staff):
    draft = services.version_copy(version=v1, by=staff)
    assert draft.number == 2 and draft.status == VersionStatus.DRAFT and draft.based_on == v1
    assert draft.created_by == staff and draft.valid_from is None
    assert content(draft)["categories"] == content(v1)["categories"]
    assert content(draft)["services"] == content(v1)["services"]
    assert selectors.versions_compare(old=v1, new=draft).is_empty
    # Nothing is shared: the copy's rows are new rows.
    assert not set(draft.services.values_list("pk", flat=True)) & set(v1.services.values_list("pk", flat=True))
    transition = draft.transitions.get()
    assert (transition.to_status, transition.actor, transition.reason) == (
        VersionStatus.DRAFT,
        staff,
        "Copie de la version 1",
    )
    assert AuditEvent.objects.filter(action="referentiel.version.created", target_id=str(draft.pk)).exists()


def test_only_a_published_version_is_copied(staff):
    draft = VersionFactory()
    with pytest.raises(services.BusinessError, match="Seule une version publiée peut être copiée"):
        services.version_copy(version=draft, by=staff)


def test_versions_are_numbered_one_after_the_other(v1, staff):
    first = services.version_create(label="A", by=staff)
    second = services.version_copy(version=v1, by=staff)
    assert (first.number, second.number) == (2, 3)


def test_a_draft_is_edited_through_the_services(v1, staff):
    draft = services.version_copy(version=v1, by=staff)
    service = draft.services.get(code="mots-de-passe")
    service.cost_in_cheques = 2
    services.service_save(service=service, by=staff, formats=Format.objects.filter(value="a_distance"))
    service.refresh_from_db()
    assert service.cost_in_cheques == 2 and list(service.formats.values_list("value", flat=True)) == ["a_distance"]
    assert v1.services.get(code="mots-de-passe").cost_in_cheques == 1  # the published version did not move
    assert AuditEvent.objects.filter(action="referentiel.service.changed", actor=staff).exists()


def test_a_service_takes_a_category_of_its_own_version(v1, staff):
    draft = services.version_copy(version=v1, by=staff)
    service = draft.services.first()
    service.category = v1.categories.first()
    with pytest.raises(services.BusinessError, match="même version"):
        services.service_save(service=service, by=staff)


def test_a_category_with_services_is_not_deleted(v1, staff):
    draft = services.version_copy(version=v1, by=staff)
    category = draft.categories.get(code="sante")
    with pytest.raises(services.BusinessError, match="contient encore 3 services"):
        services.category_delete(category=category, by=staff)
    for service in category.services.all():
        services.service_delete(service=service, by=staff)
    services.category_delete(category=category, by=staff)
    assert not draft.categories.filter(code="sante").exists()


def test_a_draft_can_be_discarded_unless_something_points_at_it(v1, staff):
    draft = services.version_copy(version=v1, by=staff)
    in_use = services.version_copy(version=v1, by=staff)
    qualified_lieu(services=[in_use.services.first()])
    services.version_discard(version=draft, by=staff)
    assert not Version.objects.filter(pk=draft.pk).exists()
    assert not Service.objects.filter(version_id=draft.pk).exists()
    assert AuditEvent.objects.filter(action="referentiel.version.discarded", data__number=draft.number).exists()
    with pytest.raises(services.BusinessError, match="déjà utilisé"):
        services.version_discard(version=in_use, by=staff)
    with pytest.raises(services.VersionFrozen):
        services.version_discard(version=v1, by=staff)


# --- Publication ----------------------------------------------------------------------------------


def test_publishing_freezes_the_version_and_records_who_and_when(v1, staff):
    draft = services.version_copy(version=v1, by=staff)
    day = TODAY() + datetime.timedelta(days=10)
    published = services.version_publish(version=draft, valid_from=day, by=staff, reason="Décision du CA")
    assert published.status == VersionStatus.PUBLISHED and published.valid_from == day
    assert published.published_by == staff and published.published_at is not None
    last = published.transitions.last()
    assert (last.from_status, last.to_status, last.actor, last.reason) == (
        VersionStatus.DRAFT,
        VersionStatus.PUBLISHED,
        staff,
        "Décision du CA",
    )
    event = AuditEvent.objects.get(action="referentiel.version.published", target_id=str(published.pk))
    assert event.actor == staff and event.data["valid_from"] == day.isoformat()

    service = published.services.get(code="mots-de-passe")
    service.cost_in_cheques = 3
    with pytest.raises(services.VersionFrozen, match="ne se modifie plus"):
        services.service_save(service=service, by=staff)
    with pytest.raises(ValidationError):
        service.save()
    # Link changes run in the caller's transaction (no savepoint of their own): give them one here.
    with pytest.raises(ValidationError), transaction.atomic():
        service.formats.add(Format.objects.get(value="a_distance"))
    with pytest.raises(ValidationError), transaction.atomic():
        Public.objects.get(value="seniors").services.clear()
    with pytest.raises(ValidationError):
        published.categories.first().delete()
    with pytest.raises(services.VersionFrozen):
        services.version_update(version=published, by=staff, label="Autre titre")
    with pytest.raises(services.VersionFrozen):
        services.category_save(category=Category(version=published, code="x", label="X"), by=staff)
    assert published.services.get(code="mots-de-passe").cost_in_cheques == 1


def test_publishing_twice_says_it_is_already_done(v1, staff):
    draft = services.version_copy(version=v1, by=staff)
    services.version_publish(version=draft, valid_from=TODAY() + datetime.timedelta(days=1), by=staff)
    with pytest.raises(services.AlreadyDone, match="Déjà effectué"):
        services.version_publish(version=draft, valid_from=TODAY() + datetime.timedelta(days=2), by=staff)
    assert Version.objects.get(pk=draft.pk).valid_from == TODAY() + datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("prepare", "days", "message"),
    [
        ("empty", 5, "La version n'a aucune catégorie."),
        ("no_service", 5, "La version n'a aucun service."),
        ("unmapped", 5, "ne correspond à aucun service du standard national : service-sans-standard"),
        ("copy", -1, "ne peut pas être dans le passé"),
        ("copy", None, "Indiquez la date d'entrée en vigueur."),
    ],
)
def test_a_version_that_breaks_a_rule_is_not_published(v1, staff, prepare, days, message):
    if prepare == "copy":
        draft = services.version_copy(version=v1, by=staff)
    else:
        draft = services.version_create(label="Brouillon", by=staff)
        if prepare != "empty":
            category = CategoryFactory(version=draft)
        if prepare == "unmapped":
            ServiceFactory(category=category, code="service-sans-standard", standard_services=[])
    valid_from = None if days is None else TODAY() + datetime.timedelta(days=days)
    with pytest.raises(services.BusinessError, match=message):
        services.version_publish(version=draft, valid_from=valid_from, by=staff)
    assert Version.objects.get(pk=draft.pk).status == VersionStatus.DRAFT
    assert not draft.transitions.filter(to_status=VersionStatus.PUBLISHED).exists()


def test_a_new_version_starts_after_the_last_published_one(v1, staff):
    later = services.version_copy(version=v1, by=staff)
    services.version_publish(version=later, valid_from=TODAY() + datetime.timedelta(days=30), by=staff)
    draft = services.version_copy(version=later, by=staff)
    for days in (30, 29):
        with pytest.raises(services.BusinessError, match="postérieure à celle de la version 2"):
            services.version_publish(version=draft, valid_from=TODAY() + datetime.timedelta(days=days), by=staff)
    services.version_publish(version=draft, valid_from=TODAY() + datetime.timedelta(days=31), by=staff)


def test_the_version_in_force_at_a_date(v1, staff):
    draft = services.version_copy(version=v1, by=staff)
    start = TODAY() + datetime.timedelta(days=20)
    v2 = services.version_publish(version=draft, valid_from=start, by=staff)
    services.version_create(label="Un brouillon n'est jamais en vigueur", by=staff, valid_from=start)
    assert selectors.version_in_force(datetime.date(2025, 6, 1)) is None
    assert selectors.version_in_force(datetime.date(2026, 1, 1)) == v1
    assert selectors.version_in_force() == v1
    assert selectors.version_in_force(start - datetime.timedelta(days=1)) == v1
    assert selectors.version_in_force(start) == v2
    assert selectors.version_in_force(start + datetime.timedelta(days=400)) == v2
    assert selectors.service_in_force("mots-de-passe", start).version == v2
    assert selectors.service_in_force("mots-de-passe").version == v1


# --- Comparison -----------------------------------------------------------------------------------


def test_comparing_two_versions_lists_added_changed_and_removed_services(v1, staff):
    draft = services.version_copy(version=v1, by=staff)
    cheaper = draft.services.get(code="retraite-en-ligne")
    cheaper.cost_in_cheques, cheaper.label = 1, "Demander sa retraite en ligne"
    services.service_save(service=cheaper, by=staff)
    moved = draft.services.get(code="mots-de-passe")
    moved.category = draft.categories.get(code="premiers-pas")
    services.service_save(service=moved, by=staff, formats=Format.objects.filter(value="a_distance"))
    services.service_delete(service=draft.services.get(code="transports-billets"), by=staff)
    ServiceFactory(category=draft.categories.get(code="loisirs"), code="jeux-video", label="Jeux vidéo en famille")
    renamed = draft.categories.get(code="sante")
    renamed.label = "Santé et bien-être en ligne"
    services.category_save(category=renamed, by=staff)

    diff = selectors.versions_compare(old=v1, new=draft)
    assert [s.code for s in diff.added] == ["jeux-video"]
    assert [s.code for s in diff.removed] == ["transports-billets"]
    assert {change.code: change.fields for change in diff.changed} == {
        "mots-de-passe": ["category", "formats"],
        "retraite-en-ligne": ["label", "cost_in_cheques"],
    }
    assert {c.code: c.field_labels for c in diff.changed}["retraite-en-ligne"] == ["libellé", "coût en chèques"]
    assert [(c.code, c.fields) for c in diff.categories_changed] == [("sante", ["label"])]
    assert not diff.categories_added and not diff.categories_removed


def test_a_version_is_compared_with_the_one_before_it(v1, staff):
    draft = services.version_copy(version=v1, by=staff)
    assert selectors.version_previous(draft) == v1
    v2 = services.version_publish(version=draft, valid_from=TODAY() + datetime.timedelta(days=3), by=staff)
    assert selectors.version_previous(v2) == v1
    assert selectors.version_previous(v1) is None
    assert selectors.version_previous(services.version_create(label="Vide", by=staff)) == v2


def test_the_standard_services_of_the_vocabulary_are_the_national_standard():
    assert StandardService.objects.count() == 9
    assert StandardService.objects.filter(label="Compréhension du monde numérique").exists()


def test_the_database_refuses_to_change_a_published_version_behind_the_models(v1):
    """SQLite and PostgreSQL both refuse updates and inserts (PostgreSQL also refuses deletes)."""
    service = v1.services.get(code="mots-de-passe")
    for attempt in (
        lambda: Service.objects.filter(pk=service.pk).update(cost_in_cheques=5),
        lambda: Version.objects.filter(pk=v1.pk).update(label="Réécrit"),
        lambda: Category.objects.bulk_create([Category(version=v1, code="ajout", label="Ajout")]),
        lambda: Service.publics.through.objects.create(service=service, public=Public.objects.get(value="jeunes")),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            attempt()
    assert Service.objects.get(pk=service.pk).cost_in_cheques == 1
