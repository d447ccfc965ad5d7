"""SEPA credit transfer files (ISO 20022 pain.001.001.03), built with sepaxml, validated against the XSD.

The file is a pure function of its inputs: the creation time and the identifiers are given, never taken
from the clock or a random source, so building the same snapshot again gives the same bytes.

Banks accept only the SEPA character set in a file (the XSD does not say so): ``a-z A-Z 0-9 / - ? : ( ) . ,
' +`` and the space. Every text is written in it (``sepa_text``): letters without their accents ("Cézallier" ->
"Cezallier", "œ" -> "oe", "ß" -> "ss"), "&" as "+", "_" as "-", typographic quotes and dashes as their plain
forms, "#" and double quotes dropped, anything else (an emoji, "@", "%"…) as a space; then cut to the length
the EPC guidelines allow (70 for a name, 140 for the remittance information, 35 for an identifier). The
identifiers (message, payment information, end to end) are letters, digits and "-" only, never cut (a cut
one could collide), and all different.
"""

import datetime
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import xmlschema
from sepaxml import SepaTransfer

from aptic.text import transliterate

SCHEMA = "pain.001.001.03"
NAMESPACE = f"urn:iso:std:iso:20022:tech:xsd:{SCHEMA}"
XSD_PATH = Path(__file__).resolve().parent / "data" / "sepa" / f"{SCHEMA}.xsd"
NAME_LENGTH, REMITTANCE_LENGTH, ID_LENGTH = 70, 140, 35
SEPA_CHARACTERS = re.compile(r"[A-Za-z0-9/\-?:().,'+ ]*")
_OUTSIDE_SEPA = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")
# Applied after ``transliterate`` (which already unfolds "…" and the no-break hyphen).
_PLAIN = str.maketrans(
    {"&": "+", "_": "-", "#": None, '"': None, "«": None, "»": None, "“": None, "”": None, "„": None}
    | {"’": "'", "‘": "'", "‚": "'", "`": "'", "–": "-", "—": "-", "‐": "-", "−": "-", "€": "EUR", "°": "o"}
)


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


def sepa_text(value: str, max_length: int) -> str:
    """``value`` in the SEPA character set, at most ``max_length`` characters, never empty (ValueError)."""
    text = _OUTSIDE_SEPA.sub(" ", transliterate(value).translate(_PLAIN))
    # One space at a time; no "//" and no leading "/" (the EPC guidelines reserve them).
    text = re.sub(r"/{2,}", "/", re.sub(r" {2,}", " ", text)).strip().lstrip("/").strip()[:max_length].rstrip()
    if not text:
        raise ValueError(f"nothing of {value!r} can be written in the SEPA character set")
    return text


def sepa_id(value: str) -> str:
    """An identifier of the file: letters, digits and "-" (ValueError if longer than 35 characters)."""
    text = re.sub(r"-{2,}", "-", re.sub(r"[^A-Za-z0-9-]", "-", transliterate(value))).strip("-")
    if not text or len(text) > ID_LENGTH:
        raise ValueError(f"a SEPA identifier has 1 to {ID_LENGTH} characters: {value!r}")
    return text


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
    message_id = sepa_id(message_id)
    end_to_end_ids = [sepa_id(transfer.end_to_end_id) for transfer in transfers]
    if len(set(end_to_end_ids)) != len(end_to_end_ids) or message_id in end_to_end_ids:
        raise ValueError("each transfer needs its own end-to-end id, different from the message id")
    sepa = SepaTransfer(
        {
            "name": sepa_text(debtor.name, NAME_LENGTH),
            "IBAN": debtor.iban,
            "BIC": debtor.bic,
            "batch": True,
            "currency": "EUR",
        },
        schema=SCHEMA,
        clean=False,  # sepa_text does it, to the SEPA character set
    )
    for end_to_end_id, transfer in sorted(zip(end_to_end_ids, transfers, strict=True), key=lambda pair: pair[0]):
        if transfer.amount <= 0:
            raise ValueError(f"a transfer must be positive: {transfer}")
        sepa.add_payment(
            {
                "name": sepa_text(transfer.name, NAME_LENGTH),
                "IBAN": transfer.iban,
                "BIC": transfer.bic,
                "amount": transfer.amount,
                "execution_date": execution_date,
                "description": sepa_text(transfer.description, REMITTANCE_LENGTH),
                "endtoend_id": end_to_end_id,
            }
        )
    root = ET.fromstring(sepa.export(validate=False))
    ns = {"p": NAMESPACE}
    root.find("p:CstmrCdtTrfInitn/p:GrpHdr/p:MsgId", ns).text = message_id
    root.find("p:CstmrCdtTrfInitn/p:GrpHdr/p:CreDtTm", ns).text = created_at.strftime("%Y-%m-%dT%H:%M:%S")
    for index, payment_info in enumerate(root.findall("p:CstmrCdtTrfInitn/p:PmtInf/p:PmtInfId", ns), start=1):
        payment_info.text = sepa_id(f"{message_id[: ID_LENGTH - 4]}-{index}")
    ET.register_namespace("", NAMESPACE)
    xml = b'<?xml version="1.0" encoding="UTF-8"?>' + ET.tostring(root, encoding="utf-8")
    sepa_validate(xml)
    return xml
