"""The figures of the seed text (001, "La redistribution des valeurs"), reproduced by the pricing module."""

import datetime

import pytest

from aptic.money import format_eur, format_percent
from cheques.models import FeeRates
from cheques.pricing import SEED_RATES, order_price, settlement_price_for


def test_a_funder_pays_10_40_ht_and_10_48_ttc_per_cheque():
    price = order_price(quantity=1, rates=SEED_RATES)
    assert price.face_value_total == 1000
    assert price.upstream_fee_ht == 40
    assert price.vat == 8
    assert format_eur(price.total_ht) == "10,40\u00a0€"
    assert format_eur(price.total_ttc) == "10,48\u00a0€"


def test_a_batch_is_rounded_once_on_its_total():
    price = order_price(quantity=2_500, rates=SEED_RATES)
    assert (price.face_value_total, price.upstream_fee_ht, price.vat) == (2_500_000, 100_000, 20_000)
    assert price.total_ttc == 2_620_000
    # 3 cheques at a 4,15 % fee: 1,245 € rounds half up once on the total, not 0,415 € three times.
    odd = order_price(quantity=3, rates=SEED_RATES.__class__(1000, 415, 400, 2000, 100))
    assert odd.upstream_fee_ht == 125


def test_a_site_is_paid_9_52_per_cheque_and_9_42_with_mutations():
    plain = settlement_price_for(cheques=1, rates=SEED_RATES, mutations=False)
    assert (plain.face_value_total, plain.downstream_fee_ht, plain.vat, plain.mutations, plain.paid) == (
        1000,
        40,
        8,
        0,
        952,
    )
    with_mutations = settlement_price_for(cheques=1, rates=SEED_RATES, mutations=True)
    assert with_mutations.mutations == 10
    assert format_eur(with_mutations.paid) == "9,42\u00a0€"


def test_the_seed_ratios_95_20_and_91_54():
    funder = order_price(quantity=1_000, rates=SEED_RATES)
    site = settlement_price_for(cheques=1_000, rates=SEED_RATES, mutations=False)
    assert format_percent(site.paid, site.face_value_total) == "95,20\u00a0%"
    assert format_percent(site.paid, funder.total_ht) == "91,54\u00a0%"


def test_settlement_prices_add_up():
    one = settlement_price_for(cheques=3, rates=SEED_RATES, mutations=True)
    two = settlement_price_for(cheques=4, rates=SEED_RATES, mutations=True)
    total = one + two
    assert total.cheques == 7 and total.paid == one.paid + two.paid


def test_pricing_refuses_empty_orders():
    with pytest.raises(ValueError):
        order_price(quantity=0, rates=SEED_RATES)


def test_rates_in_force_follow_their_start_date(db):
    initial = FeeRates.objects.in_force(datetime.date(2026, 6, 1))
    assert initial.as_rates() == SEED_RATES
    FeeRates.objects.create(valid_from=datetime.date(2027, 1, 1), upstream_fee_bp=450, decision="AG 2026")
    assert FeeRates.objects.in_force(datetime.date(2026, 12, 31)).upstream_fee_bp == 400
    assert FeeRates.objects.in_force(datetime.date(2027, 1, 1)).upstream_fee_bp == 450
    with pytest.raises(FeeRates.DoesNotExist):
        FeeRates.objects.in_force(datetime.date(2025, 12, 31))


def test_rates_already_in_force_are_read_only_in_the_admin(admin_client, db):
    initial = FeeRates.objects.in_force(datetime.date(2026, 6, 1))
    response = admin_client.post(
        f"/admin/cheques/feerates/{initial.pk}/change/",
        {
            "valid_from": "2026-01-01",
            "face_value": 2000,
            "upstream_fee_bp": 1,
            "downstream_fee_bp": 1,
            "vat_bp": 1,
            "mutations_bp": 1,
        },
    )
    assert response.status_code in (200, 302)
    initial.refresh_from_db()
    assert initial.face_value == 1000 and initial.upstream_fee_bp == 400
