import pytest
from django.urls import reverse

from accounts.enums import MembershipRole, OrganisationKind
from cheques.models import Redemption
from tests.cheques.counter import counter_lieu, issued_codes, mediateur_at
from tests.factories import member
from tests.utils import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def counter(client):
    order, codes = issued_codes()
    lieu = counter_lieu()
    user, _mediateur = mediateur_at(lieu)
    client.force_login(user)
    return client, sorted(codes), codes, lieu, user


def test_a_mediateur_looks_up_validates_and_gets_a_receipt(counter):
    client, numbers, codes, lieu, user = counter
    page = page_text(client.get(reverse("cheques:counter")))
    assert lieu.name in page and "Scanner le QR code" in page
    assert "Aucun chèque validé aujourd'hui dans ce lieu." in page

    response = client.post(
        reverse("cheques:counter-lookup"), {"lieu": lieu.pk, "number": numbers[0], "code": codes[numbers[0]]}
    )
    text = page_text(response)
    assert "10 chèques disponibles" in text
    offered = [value for value, _label in response.context["redemption_form"].fields["service"].widget.choices]
    assert sorted(offered) == ["parcours-bien-demarrer", "retraite-en-ligne", "smartphone-premiers-pas"]
    form = response.context["redemption_form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    data.update(service="retraite-en-ligne", cheques_count=2)
    response = client.post(reverse("cheques:counter-validate"), data, follow=True)
    text = page_text(response)
    assert "Reçu de validation" in text and numbers[0] in text and "Reste sur le carnet 8 chèques" in text

    # The same form sent again (a double tap) gives the same receipt, not a second validation.
    response = client.post(reverse("cheques:counter-validate"), data, follow=True)
    assert "Cette validation était déjà enregistrée" in page_text(response)
    assert Redemption.objects.count() == 1
    todays = page_text(client.get(reverse("cheques:counter")))
    assert Redemption.objects.get().service.label in todays and "2 chèques" in todays


def test_a_wrong_code_and_a_used_cheque_are_explained(counter):
    client, numbers, codes, lieu, user = counter
    response = client.post(
        reverse("cheques:counter-lookup"), {"lieu": lieu.pk, "number": numbers[0], "code": codes[numbers[1]]}
    )
    assert "Ce code ne correspond pas à ce numéro." in page_text(response)
    response = client.post(reverse("cheques:counter-lookup"), {"lieu": lieu.pk})
    assert "Scannez le QR code du chèque, ou saisissez son numéro et son code." in page_text(response)


def test_a_validation_is_voided_from_its_receipt(counter):
    client, numbers, codes, lieu, user = counter
    from cheques.services.redemptions import counter_for_user, redemption_validate

    redemption = redemption_validate(
        counter=counter_for_user(user=user, lieu=lieu),
        lieu=lieu,
        service_code="smartphone-premiers-pas",
        cheques_count=1,
        ip="1.2.3.4",
        number=numbers[0],
        code=codes[numbers[0]],
    ).redemption
    response = client.post(reverse("cheques:counter-void", args=[redemption.pk]), {"reason": ""}, follow=True)
    assert "Indiquez pourquoi vous annulez cette validation." in page_text(response)
    response = client.post(
        reverse("cheques:counter-void", args=[redemption.pk]), {"reason": "Service non rendu"}, follow=True
    )
    assert "Validation annulée" in page_text(response)
    redemption.refresh_from_db()
    assert redemption.status == "voided"


def test_the_counter_is_for_structures_and_receipts_stay_within_one(counter, client):
    _client, numbers, codes, lieu, user = counter
    from cheques.services.redemptions import counter_for_user, redemption_validate

    redemption = redemption_validate(
        counter=counter_for_user(user=user, lieu=lieu),
        lieu=lieu,
        service_code="smartphone-premiers-pas",
        cheques_count=1,
        ip="1.2.3.4",
        number=numbers[0],
        code=codes[numbers[0]],
    ).redemption
    client.force_login(member(OrganisationKind.COMMANDITAIRE))
    assert client.get(reverse("cheques:counter")).status_code == 403
    client.force_login(member(OrganisationKind.STRUCTURE, MembershipRole.MEDIATEUR))
    assert client.get(reverse("cheques:counter-receipt", args=[redemption.pk])).status_code == 404
    assert "Vous n'êtes déclaré·e comme médiateur dans aucun lieu." in page_text(
        client.get(reverse("cheques:counter"))
    )
