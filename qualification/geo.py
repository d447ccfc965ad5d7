"""Points and distances: where a commune or a postcode is, how far a lieu is from a point.

The points of communes and postcodes are shipped in ``qualification/data/geo`` (see its SOURCE.md). The
distance is the haversine great-circle distance, computed in SQL with Django's portable math functions
(PostgreSQL has them, Django registers them on SQLite) after a bounding-box filter that needs no
trigonometry: a few thousand lieux at most, no GIS extension.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.db.models import F, FloatField, QuerySet, Value
from django.db.models.functions import ASin, Cast, Cos, Least, Power, Radians, Sin, Sqrt

DATA_DIR = Path(__file__).resolve().parent / "data" / "geo"
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float

    @classmethod
    def of(cls, latitude, longitude) -> Point | None:
        if latitude is None or longitude is None:
            return None
        return cls(float(latitude), float(longitude))


def _load(name: str) -> dict[str, Point]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        return {code: Point(float(latitude), float(longitude)) for code, latitude, longitude in reader}


@cache
def _commune_points() -> dict[str, Point]:
    return _load("communes.csv")


@cache
def _postcode_points() -> dict[str, Point]:
    return _load("codes_postaux.csv")


@cache
def former_insee_codes() -> dict[str, str]:
    """Former INSEE code (merged commune, commune déléguée, PLM arrondissement) -> current commune code."""
    with (DATA_DIR / "anciens_codes.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        return dict(reader)


def commune_point(code: str) -> Point | None:
    """The town hall (or the centre) of the commune with INSEE code ``code``."""
    return _commune_points().get(code)


def postcode_point(postcode: str) -> Point | None:
    """The mean point of the communes (or PLM arrondissements) that share ``postcode``."""
    return _postcode_points().get(postcode)


def distance_km(a: Point, b: Point) -> float:
    """Haversine distance between two points, in kilometres."""
    phi1, phi2 = math.radians(a.latitude), math.radians(b.latitude)
    dphi = phi2 - phi1
    dlambda = math.radians(b.longitude - a.longitude)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def bounding_box(origin: Point, radius_km: float) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """(min latitude, max latitude, min longitude, max longitude) of a box holding the circle."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    cos_lat = max(math.cos(math.radians(origin.latitude)), 0.01)
    dlon = min(180.0, math.degrees(radius_km / (EARTH_RADIUS_KM * cos_lat)))
    return (
        Decimal(str(round(origin.latitude - dlat, 6))),
        Decimal(str(round(origin.latitude + dlat, 6))),
        Decimal(str(round(origin.longitude - dlon, 6))),
        Decimal(str(round(origin.longitude + dlon, 6))),
    )


def with_distance(queryset: QuerySet, origin: Point, *, prefix: str = "") -> QuerySet:
    """Annotate ``distance_km`` (NULL for rows without coordinates) from ``origin``."""
    latitude = Radians(Cast(F(f"{prefix}latitude"), FloatField()))
    longitude = Radians(Cast(F(f"{prefix}longitude"), FloatField()))
    origin_latitude = math.radians(origin.latitude)
    origin_longitude = math.radians(origin.longitude)
    h = Power(Sin((latitude - Value(origin_latitude)) / Value(2.0)), 2) + Value(math.cos(origin_latitude)) * Cos(
        latitude
    ) * Power(Sin((longitude - Value(origin_longitude)) / Value(2.0)), 2)
    return queryset.annotate(
        distance_km=Value(2 * EARTH_RADIUS_KM) * ASin(Least(Value(1.0), Sqrt(h)), output_field=FloatField())
    )


def within(queryset: QuerySet, origin: Point, radius_km: float) -> QuerySet:
    """Rows at most ``radius_km`` from ``origin``, nearest first, each with ``distance_km``."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(origin, radius_km)
    boxed = queryset.filter(
        latitude__gte=min_lat, latitude__lte=max_lat, longitude__gte=min_lon, longitude__lte=max_lon
    )
    return with_distance(boxed, origin).filter(distance_km__lte=radius_km).order_by("distance_km", "name", "pk")
