"""The public directory: only lieux qualified today, found by commune, postcode, distance, service, format."""

import datetime
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from qualification import geo
from qualification.enums import LieuSource, QualificationStatus
from qualification.models import Lieu
from referentiel.models import Format, StandardService
from tests.factories import LieuFactory, OrganisationFactory, qualified_lieu, qualify
from tests.utils import page_text

pytestmark = pytest.mark.django_db


def located(name, commune, postcode, latitude, longitude, **kwargs) -> Lieu:
    return qualified_lieu(
        name=name,
        commune_id=commune,
        postcode=postcode,
        latitude=Decimal(latitude),
        longitude=Decimal(longitude),
        **kwargs,
    )


@pytest.fixture
def lieux(catalogue):
    """Two lieux in Lyon, one in Villeurbanne (next door), one in Allanche (Cantal, rural)."""
    croix_rousse = located("Croix-Rousse numérique", "69123", "69004", "45.774700", "4.831600")
    croix_rousse.services.set([catalogue["demarches-en-ligne"]])
    croix_rousse.formats.set(Format.objects.filter(value="individuel"))
    guillotiere = located("Guillotière connectée", "69123", "69007", "45.754900", "4.843400")
    guillotiere.services.set([catalogue["smartphone"]])
    guillotiere.formats.set(Format.objects.filter(value="collectif"))
    villeurbanne = located("Villeurbanne clic", "69266", "69100", "45.771900", "4.890200")
    villeurbanne.standard_services.set(StandardService.objects.filter(value="acces_internet_materiel"))
    allanche = located("Maison des services d'Allanche", "15001", "15160", "45.229400", "2.935700")
    return {
        "croix_rousse": croix_rousse,
        "guillotiere": guillotiere,
        "villeurbanne": villeurbanne,
        "allanche": allanche,
    }


def names(response) -> list[str]:
    return [lieu.name for lieu in response.context["page"].object_list]


def search(client, **params):
    response = client.get(reverse("directory"), params)
    assert response.status_code == 200
    return response


def test_the_directory_is_public_and_lists_only_lieux_qualified_today(client):
    today = timezone.localdate()
    qualified_lieu(name="Qualifié aujourd'hui")
    expired = LieuFactory(name="Qualification expirée")
    qualify(expired, valid_from=today - datetime.timedelta(days=400), valid_until=today - datetime.timedelta(days=1))
    qualify(LieuFactory(name="Qualification suspendue"), status=QualificationStatus.SUSPENDED)
    qualify(LieuFactory(name="Qualification retirée"), status=QualificationStatus.REVOKED)
    qualify(LieuFactory(name="Qualifié demain"), valid_from=today + datetime.timedelta(days=1))
    imported = Lieu.objects.create(
        name="Importé de la cartographie",
        address="1 rue",
        postcode="69002",
        commune_id="69123",
        source=LieuSource.NATIONAL_STANDARD,
        external_id="carto-1",
    )

    response = client.get(reverse("directory"))

    assert names(response) == ["Qualifié aujourd'hui"]
    text = page_text(response)
    assert "1 lieu qualifié" in text
    for hidden in ("expirée", "suspendue", "retirée", "demain", "Importé"):
        assert hidden not in text
    assert client.get(reverse("lieu-detail", args=[expired.pk])).status_code == 404
    assert client.get(reverse("lieu-detail", args=[imported.pk])).status_code == 404


def test_a_postcode_search_lists_the_lieux_around_it_nearest_first_with_their_distance(client, lieux):
    response = search(client, q="69004")

    assert names(response) == ["Croix-Rousse numérique", "Guillotière connectée", "Villeurbanne clic"]
    text = page_text(response)
    assert "3 lieux qualifiés à moins de 20 km de 69004 (Lyon 4e Arrondissement)" in text
    # Measured from the postcode's point (the town hall of Lyon 4e) to the lieu.
    expected = geo.distance_km(geo.postcode_point("69004"), geo.Point(45.7747, 4.8316))
    assert f"à {expected:.1f} km".replace(".", ",") in text
    distances = [lieu.distance_km for lieu in response.context["page"].object_list]
    assert distances == sorted(distances) and distances[-1] < 5


def test_the_distance_narrows_or_widens_the_search(client, lieux):
    assert names(search(client, q="69004", rayon=5)) == [
        "Croix-Rousse numérique",
        "Guillotière connectée",
        "Villeurbanne clic",
    ]
    assert names(search(client, q="69004", rayon=5, service="smartphone")) == ["Guillotière connectée"]
    assert names(search(client, q="15160", rayon=5)) == ["Maison des services d'Allanche"]
    assert names(search(client, q="Murat (15)", rayon=5)) == []
    assert "Maison des services d'Allanche" in names(search(client, q="Murat (15)", rayon=50))


def test_a_commune_name_is_found_without_accents_or_capitals(client, lieux):
    response = search(client, q="allanche")

    assert names(response) == ["Maison des services d'Allanche"]
    assert "à moins de 20 km de Allanche (15)" in page_text(response)


def test_a_name_shared_by_several_communes_asks_which_one(client, lieux):
    response = search(client, q="Saint-Denis")

    text = page_text(response)
    assert "Plusieurs communes portent ce nom : laquelle ?" in text
    assert "Saint-Denis (93)" in text and "Saint-Denis (974)" in text
    assert response.context["page"].object_list == []
    chosen = search(client, q="Saint-Denis", commune="93066")
    assert "à moins de 20 km de Saint-Denis (93)" in page_text(chosen)
    assert 'value="Saint-Denis (93)"' in chosen.content.decode()  # searching again finds the same one


def test_an_unknown_commune_says_so(client, lieux):
    text = page_text(search(client, q="Nulle-sur-Terre"))

    assert "Nous ne trouvons pas la commune « Nulle-sur-Terre »" in text


def test_around_me_searches_around_the_browsers_position(client, lieux):
    response = search(client, lat="45.2300", lon="2.9400", rayon=10)

    assert names(response) == ["Maison des services d'Allanche"]
    assert "à moins de 10 km de votre position" in page_text(response)


@pytest.mark.parametrize(
    ("service", "expected"),
    [
        ("demarches-en-ligne", ["Croix-Rousse numérique"]),
        ("standard:aide_demarches_administratives", ["Croix-Rousse numérique"]),  # through its référentiel service
        ("standard:acces_internet_materiel", ["Villeurbanne clic"]),  # its own standard service
    ],
)
def test_the_service_filter_knows_the_referentiel_and_the_standard(client, lieux, service, expected):
    assert names(search(client, q="Lyon", service=service)) == expected


def test_the_format_filter(client, lieux):
    assert names(search(client, q="Lyon", format="collectif")) == ["Guillotière connectée"]
    assert names(search(client, format="individuel")) == ["Croix-Rousse numérique"]


def test_the_service_choices_group_the_referentiel_and_the_standard(client, lieux):
    form = search(client).context["form"]
    groups = dict(form.fields["service"].choices[1:])

    assert ("demarches-en-ligne", "Faire ses démarches en ligne") in groups["Services du référentiel #APTIC"]
    assert ("standard:loisirs_creations", "Loisirs et créations numériques") in groups["Services (standard national)"]


def test_an_empty_result_says_what_to_do_next(client, lieux):
    text = page_text(search(client, q="15160", rayon=5, format="a_distance"))

    assert "Aucun lieu qualifié ne correspond à votre recherche." in text
    assert "Choisissez une distance plus grande" in text


def test_a_commune_whose_position_is_unknown_lists_its_own_lieux(client):
    # Saint-Pierre (Saint-Pierre-et-Miquelon) has no point in the shipped data.
    qualified_lieu(name="Point numérique de Saint-Pierre", commune_id="97502", postcode="97500")

    response = search(client, q="97500")

    assert names(response) == ["Point numérique de Saint-Pierre"]
    assert "Nous ne connaissons pas la position de cette commune" in page_text(response)


def test_the_map_gets_the_markers_of_the_results_and_the_search_circle(client, lieux):
    response = search(client, q="15160", rayon=10)

    content = response.content.decode()
    data = json.loads(
        content.split('<script id="directory-map-data" type="application/json">')[1].split("</script>")[0]
    )
    assert data["lieux"] == [
        {
            "id": lieux["allanche"].pk,
            "name": "Maison des services d'Allanche",
            "address": "3 place Bellecour, 15160 Allanche",
            "lat": 45.2294,
            "lon": 2.9357,
            "url": reverse("lieu-detail", args=[lieux["allanche"].pk]),
        }
    ]
    assert data["origin"]["radius_km"] == 10
    assert 'data-lieux-map="directory-map-data"' in content and "vendor/leaflet/leaflet.js" in content


def test_the_commune_suggestions_answer_htmx(client):
    response = client.get(reverse("directory-communes"), {"q": "saint-fl"}, headers={"HX-Request": "true"})

    assert '<option value="Saint-Flour (15)"></option>' in response.content.decode()


def test_the_lieu_page_says_where_when_what_and_how_to_reach_it(client, lieux, catalogue):
    lieu = lieux["croix_rousse"]
    lieu.opening_hours = "Mo-Fr 09:00-12:30,14:00-18:00; Sa 09:00-12:00; PH off"
    lieu.accessibility = "Accès de plain-pied, boucle magnétique."
    lieu.accessibility_url = "https://acceslibre.beta.gouv.fr/app/69-lyon/a/espace/erp/croix-rousse/"
    lieu.phone = "+33478000000"
    lieu.email = "bonjour@croix-rousse.test"
    lieu.appointment_url = "https://rdv.croix-rousse.test/"
    lieu.structure = OrganisationFactory(structure=True, name="Les Connecteurs")
    lieu.save()

    response = client.get(reverse("lieu-detail", args=[lieu.pk]))

    text = page_text(response)
    assert "Croix-Rousse numérique" in text and "3 place Bellecour 69004 Lyon" in text
    assert "Du lundi au vendredi de 9 h à 12 h 30 et de 14 h à 18 h" in text
    assert "Le samedi de 9 h à 12 h" in text and "Le dimanche fermé" in text
    assert "Fermé les jours fériés." in text
    assert "Faire ses démarches en ligne" in text and "Aide aux démarches administratives" in text
    assert "Accompagnement individuel" in text
    assert "Accès de plain-pied, boucle magnétique." in text and "Fiche Accès libre du lieu" in text
    assert "+33478000000" in text and "bonjour@croix-rousse.test" in text and "Prendre rendez-vous en ligne" in text
    assert "géré par Les Connecteurs" in text and "Lieu qualifié #APTIC" in text
    assert 'data-lieux-map="lieu-map-data"' in response.content.decode()


def test_opening_hours_that_are_not_in_the_osm_format_are_shown_as_written(client):
    lieu = qualified_lieu(opening_hours="Le mardi matin, sur rendez-vous")

    text = page_text(client.get(reverse("lieu-detail", args=[lieu.pk])))

    assert "Le mardi matin, sur rendez-vous" in text


def test_everyone_finds_the_directory_from_the_navigation_and_the_home_page(client):
    response = client.get("/")

    assert response.content.decode().count(f'href="{reverse("directory")}"') == 2


def test_the_directory_page_runs_a_bounded_number_of_queries(client, lieux, django_assert_max_num_queries):
    for number in range(30):
        located(f"Lieu {number:02d}", "69123", "69003", "45.760000", "4.850000")

    with django_assert_max_num_queries(20):
        search(client, q="69004")


@pytest.fixture
def paris():
    """One lieu in Paris 11e (located), one in Paris 18e (position unknown), one in Montreuil next door."""
    return {
        "11e": located("Espace numérique Voltaire", "75111", "75011", "48.857600", "2.380500"),
        "18e": qualified_lieu(name="Point numérique Goutte d'Or", commune_id="75118", postcode="75018"),
        "montreuil": located("Montreuil connecté", "93048", "93100", "48.861400", "2.443300"),
    }


def test_a_search_by_the_city_finds_the_lieux_of_its_arrondissements(client, paris):
    # Around the town hall of Paris: the located lieux within 5 km, then those of Paris whose position is unknown.
    assert names(search(client, q="Paris", rayon=5)) == ["Espace numérique Voltaire", "Point numérique Goutte d'Or"]
    assert names(search(client, q="75056", rayon=5)) == ["Espace numérique Voltaire", "Point numérique Goutte d'Or"]
    assert names(search(client, q="Paris", rayon=10)) == [
        "Espace numérique Voltaire",
        "Montreuil connecté",
        "Point numérique Goutte d'Or",
    ]


def test_a_search_by_an_arrondissement_or_its_postcode_starts_from_the_arrondissement(client, paris):
    response = search(client, q="75018", rayon=5)

    # Measured from the town hall of the 18e (4,7 km to the 11e); the unlocated lieu of the 18e is listed too.
    assert names(response) == ["Espace numérique Voltaire", "Point numérique Goutte d'Or"]
    assert response.context["place"].point == geo.postcode_point("75018") == geo.commune_point("75118")
    assert "75018 (Paris 18e Arrondissement)" in page_text(response)
    # From the town hall of the 11e, Montreuil is within 5 km (from that of Paris, 7,4 km).
    assert names(search(client, q="Paris 11e", rayon=5)) == ["Espace numérique Voltaire", "Montreuil connecté"]
