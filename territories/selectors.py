"""Reads of the communes that know about the municipal arrondissements of Paris, Lyon and Marseille.

A lieu in Paris is in its arrondissement (75111); whatever names the city (75056, "Paris") covers its
arrondissements too, and a postcode of the city (75011) designates its arrondissement.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet

from territories.models import Commune


def in_communes(codes: Iterable[str], *, field: str = "commune") -> Q:
    """Rows whose commune (the foreign key ``field``) is one of ``codes`` or an arrondissement of one of them."""
    codes = list(codes)
    return Q(**{f"{field}__in": codes}) | Q(**{f"{field}__parent__in": codes})


def communes_with_postcode(postcode: str) -> QuerySet[Commune]:
    """The communes ``postcode`` designates: the arrondissement that carries it rather than its whole city."""
    if not (len(postcode) == 5 and postcode.isdigit()):
        return Commune.objects.none()
    return Commune.objects.filter(postcodes__contains=postcode).exclude(
        Exists(Commune.objects.filter(parent=OuterRef("pk"), postcodes__contains=postcode))
    )
