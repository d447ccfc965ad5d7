import math
import re

import pytest
from django.conf import settings

from cheques import codes

pytestmark = pytest.mark.django_db


def test_a_code_has_at_least_64_random_bits_grouped_by_four_with_a_check_symbol():
    code = codes.code_generate()
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}", code)
    assert codes.CODE_SYMBOLS * math.log2(len(codes.CROCKFORD)) >= 64
    many = {codes.code_generate() for _ in range(2000)}
    assert len(many) == 2000  # no repeats: they come from `secrets`
    # Every symbol position takes many values (not a counter, not a constant prefix).
    assert all(len({c.replace("-", "")[i] for c in many}) > 20 for i in range(codes.CODE_SYMBOLS))


def test_typed_back_a_code_ignores_case_dashes_spaces_and_crockford_confusions():
    code = codes.code_generate()
    raw = code.replace("-", "")
    assert codes.code_normalize(code.lower()) == raw
    assert codes.code_normalize(" ".join(raw[i : i + 4] for i in range(0, 16, 4))) == raw
    confused = raw.replace("0", "O").replace("1", "l")
    assert codes.code_normalize(confused) == raw
    assert codes.code_hash(confused) == codes.code_hash(code)


def test_the_check_symbol_catches_every_single_typo_before_any_lookup():
    raw = codes.code_generate().replace("-", "")
    for position in range(len(raw)):
        for symbol in codes.CROCKFORD:
            if symbol != raw[position]:
                typo = raw[:position] + symbol + raw[position + 1 :]
                with pytest.raises(codes.InvalidCode):
                    codes.code_normalize(typo)
    with pytest.raises(codes.InvalidCode):
        codes.code_normalize(raw[:-1])
    with pytest.raises(codes.InvalidCode):
        codes.code_normalize(raw[:5] + "U" + raw[6:])  # U is not a Crockford symbol


def test_only_a_keyed_hash_of_the_code_is_derived(settings):
    code = codes.code_generate()
    first = codes.code_hash(code)
    assert len(first) == 64 and code.replace("-", "") not in first
    settings.CHEQUE_CODE_PEPPER = "another-pepper-another-pepper-another-pepper"
    assert codes.code_hash(code) != first


def test_numbers_carry_a_check_digit_and_name_the_carnet():
    number = codes.carnet_number(1_000_001)
    assert len(number) == 8
    assert codes.parse_number(number) == (number, None)
    assert codes.parse_number(f"{number[:4]} {number[4:]}") == (number, None)
    assert codes.parse_number(codes.cheque_number(number, 3)) == (number, 3)
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert codes.parse_number(wrong) is None
    assert codes.parse_number("abc") is None


def test_the_qr_code_is_a_url_of_the_balance_page_with_the_secret_in_the_fragment():
    payload = codes.qr_payload("10000016-01", "ABCD-EFGH-JKMN-PQRS")
    assert payload.startswith(settings.SITE_URL + "/mon-carnet/#")
    assert "?" not in payload  # browsers never send a fragment to the server
    assert codes.parse_qr_payload(payload) == ("10000016-01", "ABCD-EFGH-JKMN-PQRS")
    assert codes.parse_qr_payload("not a url") is None
