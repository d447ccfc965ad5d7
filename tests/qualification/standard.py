"""Building blocks for tests of the national standard: rows and files of it, and its own validator."""

import csv
import io

from frictionless import Resource, Schema

from qualification.standard import schema


def row(**overrides) -> dict:
    """A valid row of the standard (Créteil), with ``overrides``."""
    values = {
        "id": "lieu-1",
        "pivot": "43493312300029",
        "nom": "Médiathèque de l'Abbaye",
        "commune": "Créteil",
        "code_postal": "94000",
        "code_insee": "94028",
        "adresse": "3 place de l'Abbaye",
        "latitude": "48.7904",
        "longitude": "2.4556",
        "date_maj": "2024-04-02",
        "services": "Aide aux démarches administratives|Maîtrise des outils numériques du quotidien",
        "modalites_accompagnement": "Accompagnement individuel|En autonomie",
        "source": "Val-de-Marne",
    }
    values.update(overrides)
    return values


def csv_bytes(rows: list[dict], *, delimiter: str = ",", columns=None, encoding: str = "utf-8", bom=False) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=columns or schema.field_names(), delimiter=delimiter, restval="")
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" if bom else "").encode(encoding) + buffer.getvalue().encode(encoding)


def refusals(report) -> dict[int, str]:
    return {item.line: " ; ".join(item.reasons) for item in report.refused_rows}


def frictionless_errors(content: bytes | list, fmt: str) -> list:
    """Every error the Frictionless validator finds, against schema.json as LaMednum publishes it."""
    table_schema = Schema.from_descriptor(schema.descriptor())
    if fmt == "csv":
        resource = Resource(data=content, format="csv", schema=table_schema)
    else:
        header = list(schema.field_names())
        resource = Resource(
            data=[header] + [[item.get(name) for name in header] for item in content], schema=table_schema
        )
    report = resource.validate()
    return report.flatten(["rowNumber", "fieldName", "type", "note"])
