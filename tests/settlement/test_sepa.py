import datetime
import hashlib
import xml.etree.ElementTree as ET

import pytest

from settlement.sepa import NAMESPACE, Debtor, SepaValidationError, Transfer, sepa_credit_transfer, sepa_validate

DEBTOR = Debtor(name="SCIC SA #APTIC", iban="FR7630006000011234567890189", bic="AGRIFRPPXXX")
TRANSFERS = [
    Transfer(
        name="Les Connecteurs — Lyon",
        iban="FR1420041010050500013M02606",
        bic="PSSTFRPPXXX",
        amount=95_200,
        end_to_end_id="APTIC-2026-10-S2",
        description="#APTIC contrepaiement octobre 2026 - releve 2026-10-2",
    ),
    Transfer(
        name="Numérique en Cézallier",
        iban="FR7630006000011234567890189",
        bic="AGRIFRPPXXX",
        amount=9_420,
        end_to_end_id="APTIC-2026-10-S1",
        description="#APTIC contrepaiement octobre 2026 - releve 2026-10-1",
    ),
]


def _build(**overrides):
    arguments = {
        "message_id": "APTIC-2026-10-1",
        "created_at": datetime.datetime(2026, 11, 2, 9, 30),
        "execution_date": datetime.date(2026, 11, 3),
        "debtor": DEBTOR,
        "transfers": TRANSFERS,
    }
    return sepa_credit_transfer(**{**arguments, **overrides})


def test_the_file_is_valid_and_carries_every_transfer_exactly():
    xml = _build()
    sepa_validate(xml)  # the official pain.001.001.03 schema
    root = ET.fromstring(xml)
    ns = {"p": NAMESPACE}
    header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", ns)
    assert header.find("p:NbOfTxs", ns).text == "2"
    assert header.find("p:CtrlSum", ns).text == "1046.20"
    amounts = [node.text for node in root.iter(f"{{{NAMESPACE}}}InstdAmt")]
    assert sorted(amounts) == ["94.20", "952.00"]
    assert "Cezallier" in xml.decode()  # names are transliterated to the SEPA character set


def test_building_the_same_snapshot_again_gives_the_same_bytes():
    first, second = _build(), _build()
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()
    assert _build(transfers=list(reversed(TRANSFERS))) == first  # order of input does not matter
    assert _build(created_at=datetime.datetime(2026, 11, 2, 9, 31)) != first


def test_an_invalid_file_is_refused():
    with pytest.raises(SepaValidationError):
        sepa_validate(_build().replace(b"<NbOfTxs>2</NbOfTxs>", b"<NbOfTxs>deux</NbOfTxs>", 1))
    with pytest.raises(ValueError):
        _build(transfers=[])
