"""Cheque and carnet numbers, secret codes, their keyed hash and the QR payload (DESIGN §4).

- A **carnet number** is 8 digits: a sequence (from 1 000 000) and a Luhn check digit, e.g. ``10000014``.
- A **cheque number** is the carnet number, a dash and the cheque's position: ``10000014-03``.
- A **secret code** is 15 random Crockford base-32 symbols (75 bits from ``secrets``) and a Luhn mod 32
  check symbol, grouped by four: ``7KQ2-M9XD-4TRB-W1HC``. Typed back, case, dashes and spaces do not matter
  and O/0, I/L/1 are read as Crockford defines; the check symbol catches a typo before any lookup.
- Only ``code_hash(code)`` (HMAC-SHA256 keyed with ``settings.CHEQUE_CODE_PEPPER``) is stored.
"""

import hmac
import re
import secrets
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.urls import reverse
from stdnum import luhn

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_SYMBOLS = 15  # 75 bits of entropy
CODE_BITS = 5 * CODE_SYMBOLS
CARNET_SEQUENCE_START = 1_000_000
_CROCKFORD_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_CODE_RE = re.compile(f"^[{CROCKFORD}]{{{CODE_SYMBOLS + 1}}}$")
_CARNET_RE = re.compile(r"^\d{8}$")
_CHEQUE_RE = re.compile(r"^(\d{8})(\d{2})$")


class InvalidCode(ValueError):
    pass


# --- Numbers ---------------------------------------------------------------------------------------


def carnet_number(sequence: int) -> str:
    digits = str(sequence)
    return digits + luhn.calc_check_digit(digits)


def cheque_number(carnet: str, position: int) -> str:
    return f"{carnet}-{position:02d}"


def parse_number(text: str) -> tuple[str, int | None] | None:
    """``"1000 0014"`` -> ``("10000014", None)``; ``"10000014-03"`` -> ``("10000014", 3)``; garbage -> None."""
    digits = re.sub(r"[\s.\-_/]", "", text or "")
    if match := _CHEQUE_RE.match(digits):
        carnet, position = match.group(1), int(match.group(2))
    elif _CARNET_RE.match(digits):
        carnet, position = digits, None
    else:
        return None
    if not luhn.is_valid(carnet) or position == 0:
        return None
    return carnet, position


# --- Secret codes ----------------------------------------------------------------------------------


def code_generate() -> str:
    """A new secret code, grouped for reading: ``XXXX-XXXX-XXXX-XXXC`` (C is the check symbol)."""
    value = secrets.randbits(CODE_BITS)
    body = "".join(CROCKFORD[(value >> (5 * i)) & 31] for i in range(CODE_SYMBOLS))
    raw = body + luhn.calc_check_digit(body, alphabet=CROCKFORD)
    return code_format(raw)


def code_format(raw: str) -> str:
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def code_normalize(text: str) -> str:
    """The canonical form of a typed code (upper case, no separators, Crockford aliases), checked.

    Raises :class:`InvalidCode` when it has the wrong length, a symbol outside the alphabet, or a wrong
    check symbol (most typos): nothing is looked up for such a code.
    """
    raw = re.sub(r"[\s\-_.]", "", (text or "").upper()).translate(_CROCKFORD_ALIASES)
    if not _CODE_RE.match(raw) or not luhn.is_valid(raw, alphabet=CROCKFORD):
        raise InvalidCode(text)
    return raw


def code_hash(code: str) -> str:
    """Keyed hash of a code (normalised first): the only trace of it in the database."""
    return code_hash_raw(code_normalize(code))


def code_hash_raw(raw: str) -> str:
    return hmac.digest(settings.CHEQUE_CODE_PEPPER.encode(), raw.encode(), "sha256").hex()


# --- QR payload ------------------------------------------------------------------------------------


def qr_payload(number: str, code: str) -> str:
    """The URL printed as a QR code: the public balance page, pre-filled. The number and code travel in
    the fragment, which browsers never send to the server (no secret in access logs)."""
    return f"{settings.SITE_URL}{reverse('cheques:balance')}#n={number}&c={code}"


def parse_qr_payload(payload: str) -> tuple[str, str] | None:
    """``(number, code)`` from a scanned QR URL (fragment or query string), or None if it is not one."""
    parts = urlsplit((payload or "").strip())
    if not parts.scheme or not parts.netloc:
        return None
    for text in (parts.fragment, parts.query):
        values = parse_qs(text)
        if values.get("n") and values.get("c"):
            return values["n"][0], values["c"][0]
    return None
