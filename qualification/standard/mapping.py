"""How a row of the national standard maps to a lieu: the fields of ``Lieu`` it fills (the others are kept as
they came in ``standard_extra``), its formats, and the key of an imported lieu (its source and its id)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.core.validators import URLValidator, validate_email
from django.utils.text import slugify
from django.utils.translation import gettext as _

from qualification.models import Lieu
from qualification.standard import schema
from qualification.standard.cleaning import first_valid

# Columns of the schema that land in a column of Lieu; the others are kept in ``standard_extra``.
LIEU_COLUMNS = {
    "id",
    "pivot",
    "nom",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "complement_adresse",
    "latitude",
    "longitude",
    "presentation_resume",
    "presentation_detail",
    "services",
}
# The standard's "modalités d'accompagnement" that are formats of the référentiel.
FORMAT_OF_MODALITE = {
    "Accompagnement individuel": "individuel",
    "Dans un atelier collectif": "collectif",
    "À distance": "a_distance",
}
LIEU_FIELDS = [
    "name",
    "address",
    "address_complement",
    "postcode",
    "commune",
    "latitude",
    "longitude",
    "phone",
    "email",
    "website",
    "opening_hours",
    "summary",
    "description",
    "accessibility_url",
    "appointment_url",
    "pivot",
    "standard_extra",
]


def source_key(source: str) -> str:
    """The standard's ``source`` as the key of imported lieux: "Conseil départemental 72" and "conseil
    departemental 72" are one producer, ``conseil-departemental-72``."""
    return slugify(source)[: Lieu._meta.get_field("external_source").max_length]


def lieu_values(row: dict[str, str], commune_code: str, warnings: list[str]) -> dict:
    emails = re.split(r"[|;,\s]+", row.get("courriels", ""))
    websites = [part.strip() for part in re.split(r"[|;\s]+", row.get("site_web", "")) if part.strip()]
    url = URLValidator()
    opening_hours = row.get("horaires", "")
    if len(opening_hours) > Lieu._meta.get_field("opening_hours").max_length:
        opening_hours = ""  # kept as it came in standard_extra
    latitude = longitude = None
    if row.get("latitude") and row.get("longitude"):
        try:
            latitude = Decimal(row["latitude"]).quantize(Decimal("0.000001"))
            longitude = Decimal(row["longitude"]).quantize(Decimal("0.000001"))
        except InvalidOperation:
            latitude = longitude = None
        if latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            warnings.append(
                _("coordonnées hors du globe ignorées (%(lat)s, %(lon)s).") % {"lat": latitude, "lon": longitude}
            )
            latitude = longitude = None
    extra = {
        name: value
        for name, value in row.items()
        if name in schema.field_names() and name not in LIEU_COLUMNS and value
    }
    return {
        "name": row["nom"][: Lieu._meta.get_field("name").max_length],
        "address": row["adresse"][: Lieu._meta.get_field("address").max_length],
        "address_complement": row.get("complement_adresse", "")[
            : Lieu._meta.get_field("address_complement").max_length
        ],
        "postcode": row["code_postal"],
        "commune_id": commune_code,
        "latitude": latitude,
        "longitude": longitude,
        "phone": row.get("telephone", "")[:30],
        "email": first_valid([email for email in emails if email], validate_email),
        "website": first_valid(websites, url)[:200],
        "opening_hours": opening_hours,
        "summary": row.get("presentation_resume", ""),
        "description": row.get("presentation_detail", ""),
        "accessibility_url": first_valid([row.get("fiche_acces_libre", "")], url)[:200],
        "appointment_url": first_valid([row.get("prise_rdv", "")], url)[:200],
        "pivot": row["pivot"],
        "standard_extra": extra,
    }


def formats_of(row: dict[str, str]) -> list[str]:
    return [
        FORMAT_OF_MODALITE[value]
        for value in schema.split_list(row.get("modalites_accompagnement", ""))
        if value in FORMAT_OF_MODALITE
    ]
