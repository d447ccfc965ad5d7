import datetime
import hashlib
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from settlement.sepa import (
    NAMESPACE,
    SEPA_CHARACTERS,
    Debtor,
    SepaValidationError,
    Transfer,
    sepa_credit_transfer,
    sepa_text,
    sepa_validate,
)

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


# What structures really write as account holders and what a remittance line may hold.
AWKWARD = [
    Transfer(
        name="Association Cœur & Âme « L'Été numérique »",
        iban="FR1420041010050500013M02606",
        bic="PSSTFRPPXXX",
        amount=1_904,
        end_to_end_id="APTIC-202610-P7",
        description="#APTIC contrepaiement 10/2026 - relevé FR-2026-00007",
    ),
    Transfer(
        name='Straße_Æsop "Le Bœuf" 😀 @home 50% <b>*=;!$</b>',
        iban="FR7630006000011234567890189",
        bic="AGRIFRPPXXX",
        amount=952,
        end_to_end_id="APTIC-202610-P8",
        description="#APTIC contrepaiement 10/2026 — relevé n° 8 ✓",
    ),
    Transfer(
        name="Œuvre " + "Cœur œcuménique ß " * 6,  # 132 characters, longer once transliterated
        iban="FR7630006000011234567890189",
        bic="AGRIFRPPXXX",
        amount=9_520,
        end_to_end_id="APTIC-202610-P9",
        description="é" * 140,
    ),
]


def _texts(xml: bytes) -> dict[str, list[str]]:
    root = ET.fromstring(xml)
    return {
        name: [node.text for node in root.iter(f"{{{NAMESPACE}}}{name}")]
        for name in ("Nm", "Ustrd", "MsgId", "PmtInfId", "EndToEndId")
    }


def test_every_text_of_the_file_is_in_the_sepa_character_set():
    xml = _build(message_id="APTIC-202610-R7", transfers=AWKWARD)

    sepa_validate(xml)
    texts = _texts(xml)
    assert all(SEPA_CHARACTERS.fullmatch(text) for values in texts.values() for text in values), texts
    assert texts["Nm"][:2] == ["SCIC SA APTIC", "SCIC SA APTIC"]  # the initiating party and the debtor
    names = texts["Nm"][2:]
    assert names[0] == "Association Coeur + Ame L'Ete numerique"
    assert names[1] == "Strasse-Aesop Le Boeuf home 50 b /b"  # "/" is of the set
    # Cut to 70 characters once transliterated (the trailing space dropped).
    assert names[2] == "Oeuvre Coeur oecumenique ss Coeur oecumenique ss Coeur oecumenique ss"
    assert texts["Ustrd"][:2] == [
        "APTIC contrepaiement 10/2026 - releve FR-2026-00007",
        "APTIC contrepaiement 10/2026 - releve no 8",
    ]
    assert texts["Ustrd"][2] == "e" * 140
    assert b"#" not in xml and b"&amp;" not in xml


def test_building_the_awkward_snapshot_again_gives_the_same_bytes():
    first = _build(message_id="APTIC-202610-R7", transfers=AWKWARD)

    assert _build(message_id="APTIC-202610-R7", transfers=list(reversed(AWKWARD))) == first


def test_each_transfer_has_its_own_end_to_end_id_never_the_files_id():
    xml = _build(message_id="APTIC-202610-R7", transfers=AWKWARD)

    texts = _texts(xml)
    assert texts["MsgId"] == ["APTIC-202610-R7"] and texts["PmtInfId"] == ["APTIC-202610-R7-1"]
    assert sorted(texts["EndToEndId"]) == ["APTIC-202610-P7", "APTIC-202610-P8", "APTIC-202610-P9"]
    with pytest.raises(ValueError, match="end-to-end"):
        _build(message_id="APTIC-202610-P7", transfers=AWKWARD)
    with pytest.raises(ValueError, match="end-to-end"):
        _build(transfers=[AWKWARD[0], replace(AWKWARD[1], end_to_end_id=AWKWARD[0].end_to_end_id)])
    with pytest.raises(ValueError, match="35"):  # never cut: two cut ids could be the same
        _build(transfers=[replace(AWKWARD[0], end_to_end_id="APTIC-" + "9" * 40)])


def test_a_name_with_nothing_writable_is_refused_rather_than_sent_empty():
    assert sepa_text("  «L’été» ", 70) == "L'ete"
    with pytest.raises(ValueError):
        sepa_text("😀 #", 70)
