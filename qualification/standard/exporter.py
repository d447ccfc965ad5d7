"""Export lieux in the national standard v1.0.2, as CSV or JSON, valid against its schema.

One row per lieu, the schema's 32 fields in its order, lists joined with ``|`` in the spelling of the
schema's patterns. For a lieu of #APTIC most fields come from its columns: its services in the standard's
vocabulary are its own plus those of the référentiel services it offers, its "modalités d'accompagnement"
come from its formats. The fields #APTIC does not hold (typologie, publics, labels…) come from
``standard_extra`` when a value there is valid. Any value that would break the schema is left out: a
row is always valid (``rows`` checks it and fails loudly otherwise).

A lieu imported from the standard that no structure manages keeps its source's ``date_maj`` and ``id`` (and
``source``); when two sources used the same id, the lieu imported second is written ``<source>:<id>``, so
that ids stay unique. A lieu of #APTIC is ``aptic-<pk>``, with the date of its last change.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from qualification.enums import LieuSource
from qualification.models import Lieu
from qualification.standard import schema
from qualification.standard.cleaning import normalise_phone
from qualification.standard.importer import EXPORT_ID_PREFIX
from qualification.standard.mapping import FORMAT_OF_MODALITE
from referentiel.models import Service

SOURCE = "#APTIC"
APTIC_LABEL = "#APTIC"
MODALITE_OF_FORMAT = {value: modalite for modalite, value in FORMAT_OF_MODALITE.items()}
# The référentiel's publics that are values of "publics spécifiquement adressés".
PUBLIC_LABELS = {
    "jeunes": "Jeunes",
    "etudiants": "Étudiants",
    "familles": "Familles et/ou enfants",
    "seniors": "Seniors",
    "femmes": "Femmes",
}
TYPOLOGIE_OF_LEGAL_FORM = {"association": "ASSO"}


class ExportError(Exception):
    """A row broke the schema: a bug of this module, never shown as a valid file."""


def export_queryset(lieux: QuerySet[Lieu]) -> QuerySet[Lieu]:
    return (
        lieux.select_related("commune", "structure")
        .annotate(
            external_id_taken=Exists(Lieu.objects.filter(external_id=OuterRef("external_id"), pk__lt=OuterRef("pk")))
        )
        .prefetch_related(None)
        .prefetch_related(
            "standard_services",
            "formats",
            Prefetch("services", queryset=Service.objects.prefetch_related("standard_services", "publics")),
        )
    )


def _number(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text


def _list(name: str, values: Iterable[str]) -> str:
    """``values`` in the pattern's spelling, in the pattern's order, without duplicates or unknowns."""
    item = schema.field(name)
    canonical = {schema.canonical_choice(name, value) for value in values} - {None}
    return schema.SEPARATOR.join(choice for choice in item.choices if choice in canonical)


def _extra_list(lieu: Lieu, name: str) -> list[str]:
    return schema.split_list(str(lieu.standard_extra.get(name, "") or ""))


def _pivot(lieu: Lieu) -> str:
    pattern = schema.field("pivot").pattern
    for candidate in (lieu.pivot, lieu.structure.siret if lieu.structure_id else ""):
        candidate = re.sub(r"\s", "", candidate or "")
        if candidate and pattern.fullmatch(candidate):
            return candidate
    # The standard requires a pivot; real files write fourteen zeros when the SIRET is unknown.
    return "0" * 14


def _export_id(lieu: Lieu) -> str:
    """A lieu of #APTIC: ``aptic-<pk>``. An imported lieu: the id of its source, unless another source used
    the same id for another place first (the schema wants ids unique): then ``<source>:<id>``."""
    if lieu.structure_id or not lieu.external_id:
        return f"{EXPORT_ID_PREFIX}{lieu.pk}"
    if getattr(lieu, "external_id_taken", False):
        return f"{lieu.external_source}:{lieu.external_id}" if lieu.external_source else f"{EXPORT_ID_PREFIX}{lieu.pk}"
    return lieu.external_id


def _date_maj(lieu: Lieu) -> str:
    """The source's date for an imported lieu that no structure manages; otherwise the lieu's last change."""
    if not lieu.structure_id and lieu.source == LieuSource.NATIONAL_STANDARD:
        source_date = str((lieu.standard_extra or {}).get("date_maj", ""))
        if not schema.check_value(schema.field("date_maj"), source_date):
            return source_date
    return timezone.localdate(lieu.updated_at).isoformat() if lieu.updated_at else timezone.localdate().isoformat()


def lieu_row(lieu: Lieu) -> dict[str, str]:
    """The standard's fields (name -> text, "" when empty) for ``lieu``."""
    extra = {name: str(value) for name, value in (lieu.standard_extra or {}).items() if name in schema.field_names()}
    offered = list(lieu.services.all())
    standard_services = {service.label for service in lieu.standard_services.all()}
    standard_services |= {item.label for service in offered for item in service.standard_services.all()}
    modalites = {MODALITE_OF_FORMAT[item.value] for item in lieu.formats.all() if item.value in MODALITE_OF_FORMAT}
    modalites |= set(_extra_list(lieu, "modalites_accompagnement"))
    publics = set(_extra_list(lieu, "publics_specifiquement_adresses"))
    service_publics = [{public.value for public in service.publics.all()} for service in offered]
    if service_publics and all(values and "tous_publics" not in values for values in service_publics):
        # Only when every service the lieu offers is aimed at specific publics (the standard's default is
        # "tout public").
        publics |= {PUBLIC_LABELS[value] for values in service_publics for value in values if value in PUBLIC_LABELS}
    modalites_acces = set(_extra_list(lieu, "modalites_acces"))
    if lieu.appointment_url:
        modalites_acces.add("Prendre un RDV en ligne")
    phone = normalise_phone(lieu.phone) if lieu.phone else extra.get("telephone", "")
    others = [part.strip() for part in extra.get("autres_formations_labels", "").split(",") if part.strip()]
    if lieu.structure_id and APTIC_LABEL not in others:
        others.insert(0, APTIC_LABEL)
    typologie = extra.get("typologie", "")
    if not typologie and lieu.structure_id:
        typologie = TYPOLOGIE_OF_LEGAL_FORM.get(lieu.structure.legal_form, "")
    row = {
        "id": _export_id(lieu),
        "pivot": _pivot(lieu),
        "nom": lieu.name,
        "commune": lieu.commune.name,
        "code_postal": lieu.postcode,
        "code_insee": lieu.commune_id,
        "adresse": lieu.address,
        "complement_adresse": lieu.address_complement,
        "latitude": _number(lieu.latitude),
        "longitude": _number(lieu.longitude),
        "typologie": typologie,
        "telephone": phone,
        "courriels": lieu.email or extra.get("courriels", ""),
        "site_web": lieu.website or extra.get("site_web", ""),
        "horaires": lieu.opening_hours or extra.get("horaires", ""),
        "presentation_resume": lieu.summary,
        "presentation_detail": lieu.description,
        "source": SOURCE if lieu.structure_id else extra.get("source", ""),
        "itinerance": _list("itinerance", _extra_list(lieu, "itinerance")),
        "structure_parente": lieu.structure.name if lieu.structure_id else extra.get("structure_parente", ""),
        "date_maj": _date_maj(lieu),
        "services": _list("services", standard_services),
        "publics_specifiquement_adresses": _list("publics_specifiquement_adresses", publics),
        "prise_en_charge_specifique": _list(
            "prise_en_charge_specifique", _extra_list(lieu, "prise_en_charge_specifique")
        ),
        "frais_a_charge": _list("frais_a_charge", _extra_list(lieu, "frais_a_charge")),
        "dispositif_programmes_nationaux": _list(
            "dispositif_programmes_nationaux", _extra_list(lieu, "dispositif_programmes_nationaux")
        ),
        "formations_labels": _list("formations_labels", _extra_list(lieu, "formations_labels")),
        "autres_formations_labels": ", ".join(others),
        "modalites_acces": _list("modalites_acces", modalites_acces),
        "modalites_accompagnement": _list("modalites_accompagnement", modalites),
        "fiche_acces_libre": lieu.accessibility_url or extra.get("fiche_acces_libre", ""),
        "prise_rdv": lieu.appointment_url or extra.get("prise_rdv", ""),
    }
    # An optional value that would break the schema is left out rather than exported.
    for item in schema.fields():
        if not item.required and schema.check_value(item, row[item.name]):
            row[item.name] = ""
    return {name: row[name] for name in schema.field_names()}


def rows(lieux: QuerySet[Lieu]) -> list[dict[str, str]]:
    """The rows of ``lieux``, each checked against the schema (ids unique)."""
    result = [lieu_row(lieu) for lieu in export_queryset(lieux)]
    seen: set[str] = set()
    for row in result:
        problems = schema.check_row(row)
        if problems or row["id"] in seen:
            raise ExportError(f"lieu {row['id']}: {'; '.join(map(str, problems)) or 'duplicate id'}")
        seen.add(row["id"])
    return result


def to_csv(data: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=schema.field_names(), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(data)
    return buffer.getvalue().encode("utf-8")


def json_value(name: str, value: str):
    """JSON types of the schema: numbers as numbers, empty values as null."""
    if value == "":
        return None
    if schema.field(name).type == "number":
        number = float(value)
        return int(number) if number.is_integer() and "." not in value else number
    return value


def to_json_data(data: list[dict[str, str]]) -> list[dict]:
    return [{name: json_value(name, value) for name, value in row.items()} for row in data]


def to_json(data: list[dict[str, str]]) -> bytes:
    return json.dumps(to_json_data(data), ensure_ascii=False, indent=1).encode("utf-8")
