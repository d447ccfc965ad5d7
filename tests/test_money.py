import pytest

from aptic.money import apply_rate, format_eur, format_percent, format_rate, parse_eur, parse_rate, round_half_up


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [(5, 10, 1), (4, 10, 0), (15, 10, 2), (25, 10, 3), (-25, 10, -3), (-24, 10, -2), (0, 7, 0), (10, 3, 3)],
)
def test_round_half_up_rounds_halves_away_from_zero(numerator, denominator, expected):
    assert round_half_up(numerator, denominator) == expected


def test_round_half_up_refuses_a_zero_denominator():
    with pytest.raises(ValueError):
        round_half_up(1, 0)


def test_apply_rate_is_exact_in_cents():
    assert apply_rate(1000, 400) == 40  # 4 % of 10 €
    assert apply_rate(40, 2000) == 8  # 20 % VAT on 0,40 €
    assert apply_rate(1250, 400) == 50
    assert apply_rate(1237, 400) == 49  # 49,48 -> 49
    assert apply_rate(1238, 400) == 50  # 49,52 -> 50
    assert apply_rate(12_500, 2000) == 2500


def test_format_eur_writes_french_amounts():
    assert format_eur(123456) == "1\u202f234,56\u00a0€"
    assert format_eur(952) == "9,52\u00a0€"
    assert format_eur(5) == "0,05\u00a0€"
    assert format_eur(0) == "0,00\u00a0€"
    assert format_eur(-104000) == "-1\u202f040,00\u00a0€"
    assert format_eur(100_000_000_00) == "100\u202f000\u202f000,00\u00a0€"


def test_format_percent_and_rate():
    assert format_percent(952, 1000) == "95,20\u00a0%"
    assert format_percent(952, 1040) == "91,54\u00a0%"
    assert format_percent(1, 0) == "—"
    assert format_rate(400) == "4\u00a0%"
    assert format_rate(2050) == "20,5\u00a0%"
    assert format_rate(125) == "1,25\u00a0%"


@pytest.mark.parametrize(
    ("text", "cents"),
    [("1 234,56", 123456), ("1234.56 €", 123456), ("10", 1000), ("0,4", 40), ("1\u202f040,00\u00a0€", 104000)],
)
def test_parse_eur_reads_what_people_type(text, cents):
    assert parse_eur(text) == cents


@pytest.mark.parametrize("text", ["", "dix euros", "1,234", "12,345"])
def test_parse_eur_refuses_anything_else(text):
    with pytest.raises(ValueError):
        parse_eur(text)


@pytest.mark.parametrize(
    ("text", "basis_points"), [("4", 400), ("20,5 %", 2050), ("1.25", 125), ("0", 0), ("4\u00a0%", 400)]
)
def test_parse_rate_reads_percentages(text, basis_points):
    assert parse_rate(text) == basis_points


@pytest.mark.parametrize("text", ["", "quatre", "1,255", "-4", "inf", "nan"])
def test_parse_rate_refuses_anything_else(text):
    with pytest.raises(ValueError):
        parse_rate(text)
