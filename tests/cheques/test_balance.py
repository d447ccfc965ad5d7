import pytest
from django.urls import reverse

from aptic.errors import BusinessError
from aptic.ratelimit import Limit, RateLimited, ratelimit_check, ratelimit_hit
from cheques import balance as balance_module
from cheques.enums import OrderStatus
from cheques.selectors import carnet_balance, cheque_for_code
from cheques.services.issuance import order_issue
from tests.factories import order_through
from tests.utils import page_text

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.fixture
def carnet_codes():
    order = order_through(OrderStatus.PAID, quantity=20, carnet_size=10)
    pairs = []
    order_issue(order_id=order.pk, code_sink=pairs.extend)
    return order, dict(pairs)


def test_one_valid_code_shows_the_carnet_and_what_is_left(carnet_codes):
    order, clear = carnet_codes
    number = sorted(clear)[3]
    carnet_number = number.split("-")[0]
    result = carnet_balance(number=carnet_number, code=clear[number].lower())
    assert result.carnet.number == carnet_number and len(result.spendable) == 10
    assert result.spendable_value == 10 * 1000
    assert result.restrictions == ["Dans tous les lieux #APTIC qualifiés, pour tous les services du référentiel."]
    assert cheque_for_code(number=number, code=clear[number]).number == number


@pytest.mark.parametrize(
    ("number", "code", "error"),
    [
        ("{carnet}", "ABCD", "invalid_code_format"),
        ("99999999", "{code}", "unknown_number"),
        ("{other_carnet}", "{code}", "wrong_code"),
        ("{carnet}-02", "{code}", "wrong_code"),  # a cheque number opens only with its own code
    ],
)
def test_nothing_is_shown_without_a_valid_code(carnet_codes, number, code, error):
    _order, clear = carnet_codes
    numbers = sorted(clear)
    first = numbers[0]
    values = {
        "carnet": first.split("-")[0],
        "other_carnet": numbers[-1].split("-")[0],
        "code": clear[first],
    }
    with pytest.raises(BusinessError) as raised:
        cheque_for_code(number=number.format(**values), code=code.format(**values))
    assert raised.value.code == error


def test_a_scanned_qr_code_is_read_too(carnet_codes):
    from cheques.codes import qr_payload

    _order, clear = carnet_codes
    number = sorted(clear)[0]
    assert cheque_for_code(payload=qr_payload(number, clear[number])).number == number


def test_the_public_page_shows_the_balance_and_clear_errors(client, carnet_codes):
    _order, clear = carnet_codes
    number = sorted(clear)[0]
    response = client.post(reverse("cheques:balance"), {"number": number, "code": clear[number]})
    text = page_text(response)
    assert response.status_code == 200 and "10 chèques disponibles" in text and number in text
    assert clear[number] not in response.content.decode()  # the code is never echoed
    typo = clear[number][:-1] + ("0" if clear[number][-1] != "0" else "1")
    response = client.post(reverse("cheques:balance"), {"number": number, "code": typo})
    assert "Ce code n'est pas valide" in page_text(response)  # the check symbol caught the typo
    assert "disponibles" not in page_text(response)


def test_failed_attempts_are_limited_per_ip_with_a_clear_message(client, carnet_codes, monkeypatch):
    monkeypatch.setattr(balance_module, "FAILURES_PER_IP", (3, 600))
    _order, clear = carnet_codes
    number = sorted(clear)[0]
    for _ in range(3):
        client.post(reverse("cheques:balance"), {"number": number, "code": "AAAA-AAAA-AAAA-AAAA"})
    response = client.post(reverse("cheques:balance"), {"number": number, "code": clear[number]})
    assert response.status_code == 429
    assert "Trop de tentatives" in page_text(response)
    # Another address is not blocked, and the cheque itself is never locked.
    response = client.post(
        reverse("cheques:balance"), {"number": number, "code": clear[number]}, REMOTE_ADDR="192.0.2.7"
    )
    assert response.status_code == 200 and "disponibles" in page_text(response)


def test_wrong_codes_from_many_addresses_never_stop_a_beneficiary_with_the_right_code(client, carnet_codes, caplog):
    """Attackers spread over many addresses exhaust each address's limit and more failures than the platform
    sees in a busy minute: a beneficiary elsewhere still checks their carnet, on the page and through the API."""
    _order, clear = carnet_codes
    number = sorted(clear)[0]
    per_ip = balance_module.FAILURES_PER_IP[0]
    addresses = [f"198.51.100.{i}" for i in range(balance_module.FAILURES_ALARM[0] // per_ip + 5)]
    for ip in addresses:
        for _attempt in range(per_ip):
            with pytest.raises(BusinessError):
                balance_module.balance_check(number="99999999", code=clear[number], ip=ip)
    with pytest.raises(RateLimited):  # each attacking address is stopped…
        balance_module.balance_check(number=number, code=clear[number], ip=addresses[-1])
    assert "Rate alarm balance-fail-all" in caplog.text  # …the team is told…
    # …and nobody else is.
    response = client.post(
        reverse("cheques:balance"), {"number": number, "code": clear[number]}, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 200 and "10 chèques disponibles" in page_text(response)
    response = client.post(
        reverse("api:balance"),
        {"number": number, "code": clear[number]},
        content_type="application/json",
        REMOTE_ADDR="2001:db8:5::1",
    )
    assert response.status_code == 200 and response.json()["spendable"] == 10


def test_the_rate_limit_helper_counts_in_windows():
    limits = [Limit("test", "a", 2, 60)]
    ratelimit_check(limits)
    ratelimit_hit(limits)
    ratelimit_hit(limits)
    with pytest.raises(RateLimited) as raised:
        ratelimit_check(limits)
    assert raised.value.status == 429 and raised.value.details["retry_after"] <= 60
    ratelimit_check([Limit("test", "b", 2, 60)])


@pytest.mark.redis
def test_limits_hold_across_processes_through_redis(settings):
    """Two processes share Redis: counts made through one client are seen by a fresh one."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    assert isinstance(caches["default"], RedisCache)
    limits = [Limit("redis-test", "ip", 3, 60)]
    for _ in range(3):
        ratelimit_hit(limits)
    other = RedisCache(
        settings.CACHES["default"]["LOCATION"], {"KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"]}
    )
    key = limits[0].key(__import__("time").time())
    assert other.get(key) == 3
    with pytest.raises(RateLimited):
        ratelimit_check(limits)
