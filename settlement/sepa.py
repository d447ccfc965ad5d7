"""SEPA credit transfer files (ISO 20022 pain.001.001.03), built with sepaxml, validated against the XSD.

The file is a pure function of its inputs: the creation time and the identifiers are given, never taken
from the clock or a random source, so building the same snapshot again gives the same bytes.
"""

import datetime
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import xmlschema
from sepaxml import SepaTransfer

SCHEMA = "pain.001.001.03"
NAMESPACE = f"urn:iso:std:iso:20022:tech:xsd:{SCHEMA}"
XSD_PATH = Path(__file__).resolve().parent / "data" / "sepa" / f"{SCHEMA}.xsd"


class SepaValidationError(ValueError):
    pass


@dataclass(frozen=True)
class Transfer:
    name: str
    iban: str
    bic: str
    amount: int  # cents
    end_to_end_id: str  # ≤ 35 characters, unique in the file
    description: str  # ≤ 140 characters, what the structure reads on its statement


@dataclass(frozen=True)
class Debtor:
    name: str
    iban: str
    bic: str


def _schema() -> xmlschema.XMLSchema:
    global _SCHEMA_CACHE
    if _SCHEMA_CACHE is None:
        _SCHEMA_CACHE = xmlschema.XMLSchema(str(XSD_PATH))
    return _SCHEMA_CACHE


_SCHEMA_CACHE = None


def sepa_validate(xml: bytes) -> None:
    """Raise SepaValidationError unless ``xml`` is valid against the official pain.001.001.03 schema."""
    errors = list(_schema().iter_errors(xml.decode("utf-8")))
    if errors:
        raise SepaValidationError("; ".join(str(error.reason or error) for error in errors[:5]))


def sepa_credit_transfer(
    *,
    message_id: str,
    created_at: datetime.datetime,
    execution_date: datetime.date,
    debtor: Debtor,
    transfers: list[Transfer],
) -> bytes:
    """Build, fix the volatile fields, validate and return the file's bytes."""
    if not transfers:
        raise ValueError("a SEPA file needs at least one transfer")
    sepa = SepaTransfer(
        {"name": debtor.name, "IBAN": debtor.iban, "BIC": debtor.bic, "batch": True, "currency": "EUR"},
        schema=SCHEMA,
        clean=True,
    )
    for transfer in sorted(transfers, key=lambda t: t.end_to_end_id):
        if transfer.amount <= 0:
            raise ValueError(f"a transfer must be positive: {transfer}")
        sepa.add_payment(
            {
                "name": transfer.name,
                "IBAN": transfer.iban,
                "BIC": transfer.bic,
                "amount": transfer.amount,
                "execution_date": execution_date,
                "description": transfer.description,
                "endtoend_id": transfer.end_to_end_id[:35],
            }
        )
    root = ET.fromstring(sepa.export(validate=False))
    ns = {"p": NAMESPACE}
    root.find("p:CstmrCdtTrfInitn/p:GrpHdr/p:MsgId", ns).text = message_id[:35]
    root.find("p:CstmrCdtTrfInitn/p:GrpHdr/p:CreDtTm", ns).text = created_at.strftime("%Y-%m-%dT%H:%M:%S")
    for index, payment_info in enumerate(root.findall("p:CstmrCdtTrfInitn/p:PmtInf/p:PmtInfId", ns), start=1):
        payment_info.text = f"{message_id[:30]}-{index}"
    ET.register_namespace("", NAMESPACE)
    xml = b'<?xml version="1.0" encoding="UTF-8"?>' + ET.tostring(root, encoding="utf-8")
    sepa_validate(xml)
    return xml
