"""The clear codes between issuance and printing.

The database keeps only the keyed hash of each code. Between the moment a code is drawn and the moment
it is printed, the clear codes of a range of carnets wait in a *sealed* file of the private storage,
encrypted (Fernet: AES-128-CBC + HMAC) with a key derived from ``CHEQUE_CODE_PEPPER``, which lives
outside the database. Printing reads it and, once the order's PDFs are all rendered, deletes it.
"""

import base64
import hmac
import json

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage


def _fernet() -> Fernet:
    key = hmac.digest(settings.CHEQUE_CODE_PEPPER.encode(), b"aptic:sealed-codes:v1", "sha256")
    return Fernet(base64.urlsafe_b64encode(key))


def sealed_dir(order_id: int) -> str:
    return f"cheques/sealed/order-{order_id}"


def sealed_path(order_id: int, first: int, last: int) -> str:
    return f"{sealed_dir(order_id)}/{first:07d}-{last:07d}.sealed"


def codes_seal(*, order_id: int, first: int, last: int, codes: dict[str, str]) -> str:
    """Write the clear ``{cheque number: code}`` of carnets ``first``…``last``, encrypted; replaces any
    file of the same range (a retried chunk drew new codes)."""
    path = sealed_path(order_id, first, last)
    if default_storage.exists(path):
        default_storage.delete(path)
    return default_storage.save(path, ContentFile(_fernet().encrypt(json.dumps(codes).encode())))


def codes_unseal(*, order_id: int, first: int, last: int) -> dict[str, list[str]]:
    """The clear codes of carnets ``first``…``last``, from every sealed file overlapping that range: a
    cheque number may have several candidates (a retried chunk); the printer keeps the one whose hash
    matches the database."""
    codes: dict[str, list[str]] = {}
    directory = sealed_dir(order_id)
    if not default_storage.exists(directory):
        return codes
    for name in default_storage.listdir(directory)[1]:
        start, _sep, end = name.removesuffix(".sealed").partition("-")
        if int(start) <= last and int(end) >= first:
            with default_storage.open(f"{directory}/{name}", "rb") as sealed:
                for number, code in json.loads(_fernet().decrypt(sealed.read())).items():
                    codes.setdefault(number, []).append(code)
    return codes


def codes_discard(*, order_id: int, first: int | None = None, last: int | None = None) -> None:
    """Delete the sealed files of the order (or of one range): the codes now live only on paper."""
    directory = sealed_dir(order_id)
    if not default_storage.exists(directory):
        return
    for name in default_storage.listdir(directory)[1]:
        start, _sep, end = name.removesuffix(".sealed").partition("-")
        if first is None or (int(start) >= first and int(end) <= last):
            default_storage.delete(f"{directory}/{name}")
