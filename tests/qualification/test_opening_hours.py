"""Opening hours in the OpenStreetMap format, said in plain French on the lieu page."""

import datetime

import pytest

from qualification.directory.hours import describe

THURSDAY = datetime.date(2026, 11, 26)


@pytest.mark.parametrize(
    ("osm", "lines"),
    [
        (
            "Mo-Fr 09:00-12:30,14:00-18:00",
            [("Du lundi au vendredi", "de 9 h à 12 h 30 et de 14 h à 18 h"), ("Le samedi et le dimanche", "fermé")],
        ),
        (
            "Mo,Th 09:00-12:00; We 14:00-17:00",
            [
                ("Le lundi et le jeudi", "de 9 h à 12 h"),
                ("Le mercredi", "de 14 h à 17 h"),
                ("Le mardi et du vendredi au dimanche", "fermé"),
            ],
        ),
        # A later rule overrides an earlier one for its days (OSM semantics).
        (
            "Mo-Fr 08:30-12:00,13:30-17:00; Th off",
            [
                ("Du lundi au mercredi et le vendredi", "de 8 h 30 à 12 h et de 13 h 30 à 17 h"),
                ("Le jeudi, le samedi et le dimanche", "fermé"),
            ],
        ),
        ("24/7", [("Tous les jours", "toute la journée")]),
        ("Mo-Su 10:00-19:00", [("Tous les jours", "de 10 h à 19 h")]),
        (
            'We 14:00-16:00 "sur rendez-vous"',
            [
                ("Le mercredi", "de 14 h à 16 h (sur rendez-vous)"),
                ("Le lundi, le mardi et du jeudi au dimanche", "fermé"),
            ],
        ),
        (
            "Fr 20:00-02:00",
            [
                ("Le vendredi", "de 20 h à minuit"),
                ("Le samedi", "de 0 h à 2 h"),
                ("Du lundi au jeudi et le dimanche", "fermé"),
            ],
        ),
    ],
)
def test_a_week_of_opening_hours_reads_as_french(osm, lines):
    text = describe(osm, today=THURSDAY)

    assert text.understood and text.lines == lines and text.notes == []


def test_public_holidays_and_hours_that_change_from_week_to_week_are_noted():
    text = describe("Mo-Fr 09:00-12:00; We[1,3] 14:00-16:00; PH off", today=THURSDAY)

    assert text.notes == [
        "Fermé les jours fériés.",
        "Les horaires changent selon les semaines ou les périodes de l'année.",
    ]


def test_a_text_that_is_not_osm_is_kept_as_written_and_an_empty_one_is_empty():
    assert not describe("Du lundi au vendredi, 9h-12h").understood
    assert describe("").is_empty
