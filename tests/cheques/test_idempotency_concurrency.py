"""Real concurrent transactions on PostgreSQL: a retry sent while the first attempt still runs (a till that timed
out, a double tap at the counter) gets the first answer or "in progress, retry", never "already redeemed"."""

import threading
from functools import partial

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from accounts.enums import MembershipRole, OrganisationKind
from accounts.services import api_key_create
from cheques.models import IdempotentRequest, RedeemedCheque, Redemption
from cheques.services import idempotency
from ledger.services import journal_is_balanced
from tests.cheques.counter import counter_lieu, issued_codes, mediateur_at
from tests.factories import member

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 20


def run_together(functions):
    """Start ``functions`` in threads at the same moment; returns what each returned."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def worker(index, function):
        try:
            barrier.wait()
            results[index] = function()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def till():
    """A structure's till software: its API key, a médiateur, a lieu, and issued cheques with their codes."""
    _order, codes = issued_codes()
    lieu = counter_lieu()
    _user, mediateur = mediateur_at(lieu)
    admin = member(OrganisationKind.STRUCTURE, MembershipRole.ADMIN, organisation=lieu.structure)
    api_key, raw = api_key_create(organisation=lieu.structure, name="Caisse", by=admin)

    def post(number, key):
        body = {
            "number": number,
            "code": codes[number],
            "lieu": lieu.pk,
            "service": "smartphone-premiers-pas",
            "cheques_count": 1,
            "mediateur": mediateur.pk,
        }
        headers = {"Authorization": f"Api-Key {raw}", "Idempotency-Key": key}
        return Client().post("/api/v1/redemptions/", body, content_type="application/json", headers=headers)

    return post, sorted(codes), api_key


def test_twenty_identical_requests_at_once_redeem_once_and_all_get_the_first_answer(till):
    post, numbers, _api_key = till
    for attempt, number in enumerate(numbers[:3]):
        responses = run_together([partial(post, number, f"till-timeout-{attempt}")] * THREADS)

        answered = [response for response in responses if response.status_code == 201]
        in_progress = [
            response
            for response in responses
            if response.status_code == 409 and response.json()["error"]["code"] == "request_in_progress"
        ]
        assert len(answered) + len(in_progress) == THREADS, [r.content for r in responses]
        assert answered, "the first request itself must succeed"
        first = next(r for r in answered if "Idempotent-Replayed" not in r)
        assert all(r.json()["id"] == first.json()["id"] for r in answered)
        assert all(r.json()["cheques"] == [number] for r in answered)
        assert sum(r.get("Idempotent-Replayed") == "true" for r in answered) == len(answered) - 1
        assert all(int(r["Retry-After"]) >= 1 for r in in_progress)
        assert RedeemedCheque.objects.filter(cheque__number=number, live=True).count() == 1

    assert Redemption.objects.count() == 3
    assert IdempotentRequest.objects.count() == 3
    assert journal_is_balanced()


def test_a_duplicate_that_waits_too_long_is_told_to_retry_and_changes_nothing(till, monkeypatch):
    post, numbers, api_key = till
    monkeypatch.setattr(idempotency, "WAIT_SECONDS", 0.2)
    with idempotency.key_held(scope=f"api_key:{api_key.pk}", key="slow-till"):  # the first attempt, still running
        [response] = run_together([partial(post, numbers[0], "slow-till")])
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "request_in_progress"
    assert response["Retry-After"] == "1"
    assert not Redemption.objects.exists()

    retried = post(numbers[0], "slow-till")  # the first attempt is over: the retry goes through
    assert retried.status_code == 201 and Redemption.objects.count() == 1


def test_a_counter_form_submitted_several_times_at_once_gives_one_receipt():
    _order, codes = issued_codes()
    lieu = counter_lieu()
    user, _mediateur = mediateur_at(lieu)
    number = sorted(codes)[0]
    browser = Client()
    browser.force_login(user)
    lookup = browser.post(
        reverse("cheques:counter-lookup"), {"lieu": lieu.pk, "number": number, "code": codes[number]}
    )
    form = lookup.context["redemption_form"]
    data = {**{name: form.initial.get(name, "") for name in form.fields}, "service": "smartphone-premiers-pas"}

    def submit():
        tab = Client()
        tab.force_login(user)
        return tab.post(reverse("cheques:counter-validate"), data)

    responses = run_together([submit] * 5)
    redemption = Redemption.objects.get()
    receipt = reverse("cheques:counter-receipt", args=[redemption.pk])
    assert [response.status_code for response in responses] == [302] * 5
    assert {response["Location"] for response in responses} == {receipt}
