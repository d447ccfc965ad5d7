"""Files of the private storage open from the admin: the SEPA file of a run (finance only), never a dead link."""

import datetime
import posixpath
import re
from urllib.parse import urljoin

import pytest
import time_machine
from django.urls import reverse

from accounts.enums import StaffRole
from settlement.models import Payout
from settlement.services import runs
from tests.factories import staff_user
from tests.settlement.helpers import OCTOBER, redeemed, verified_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported_run():
    lieu, _redemptions = redeemed([1, 2])
    verified_account(lieu.structure)
    with time_machine.travel(datetime.datetime(2026, 11, 2, 6), tick=True):
        run = runs.settlement_compute(period=OCTOBER)
    first, second = staff_user(StaffRole.FINANCE), staff_user(StaffRole.FINANCE)
    runs.settlement_review(run=run, by=first)
    runs.settlement_approve(run=run, by=second)
    runs.settlement_export(run=run, by=second)
    run.refresh_from_db()
    return run, second


def _read_only_links(page: str) -> list[str]:
    """The links shown among the read-only values of an admin page."""
    values = re.findall(r'<div class="readonly">(.*?)</div>', page, re.S)
    return [href for value in values for href in re.findall(r'href="([^"]+)"', value)]


def _dead_links(client, url: str, page: str) -> list[str]:
    """The read-only values' links that lead nowhere (404), e.g. a private file's storage address."""
    dead = []
    for href in _read_only_links(page):
        response = client.get(urljoin(url, href))
        if response.streaming:
            b"".join(response.streaming_content)  # read to the end: the test client then closes the file
        if response.status_code == 404:
            dead.append(href)
    return dead


def test_the_sepa_file_link_of_a_run_downloads_the_file(client, exported_run):
    run, finance = exported_run
    client.force_login(finance)
    url = reverse("admin:settlement_settlementrun_change", args=[run.pk])
    page = client.get(url).content.decode()
    link = re.search(r'<a href="([^"]+)">aptic-contrepaiement-2026-10\.xml</a>', page)
    assert link, "the SEPA file is not linked from the run's page"
    response = client.get(urljoin(url, link.group(1)))
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    with run.sepa_file.open("rb") as stored:
        assert b"".join(response.streaming_content) == stored.read()
    assert not _dead_links(client, url, page)


def test_no_read_only_value_of_a_payout_links_to_nowhere(client, exported_run):
    run, finance = exported_run
    client.force_login(finance)
    payout = Payout.objects.exclude(statement="").get(run=run)
    url = reverse("admin:settlement_payout_change", args=[payout.pk])
    page = client.get(url).content.decode()
    for document in (payout.statement, payout.fee_invoice):
        assert posixpath.basename(document.name) in page
    assert not _dead_links(client, url, page)
