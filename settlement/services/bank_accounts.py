"""IBAN changes: entered by a structure admin with their second factor, used only once staff verified them."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from accounts.second_factor import second_factor_verify
from accounts.services import audit_record
from aptic.errors import BusinessError
from settlement.enums import BankAccountStatus
from settlement.models import BankAccount
from settlement.services.approval_accounts import settlement_approval_withdraw


def iban_clean(iban: str, bic: str = "") -> tuple[str, str]:
    """Validate an IBAN (and BIC, derived from the IBAN when left empty) with schwifty."""
    try:
        parsed = IBAN(iban)
    except SchwiftyException as exc:
        raise BusinessError(
            _("Cet IBAN n'est pas valide (vérifiez les caractères et la clé)."), code="invalid_iban"
        ) from exc
    if parsed.country_code not in SEPA_COUNTRIES:
        raise BusinessError(_("Cet IBAN n'appartient pas à la zone SEPA."), code="iban_not_sepa")
    if bic.strip():
        try:
            checked = BIC(bic.strip())
        except SchwiftyException as exc:
            raise BusinessError(_("Ce BIC n'est pas valide."), code="invalid_bic") from exc
        bic_value = str(checked.compact)
    else:
        derived = parsed.bic
        if derived is None:
            raise BusinessError(
                _("Indiquez le BIC de votre banque : il ne se déduit pas de cet IBAN."), code="bic_required"
            )
        bic_value = str(derived.compact)
    return str(parsed.compact), bic_value


SEPA_COUNTRIES = {
    "AD",
    "AT",
    "BE",
    "BG",
    "CH",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "ES",
    "FI",
    "FR",
    "GB",
    "GI",
    "GR",
    "HR",
    "HU",
    "IE",
    "IS",
    "IT",
    "LI",
    "LT",
    "LU",
    "LV",
    "MC",
    "MT",
    "NL",
    "NO",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
    "SM",
    "VA",
}


@transaction.atomic
def bank_account_request(
    *, structure, holder: str, iban: str, bic: str, totp_code: str, by, ip: str = ""
) -> BankAccount:
    """Enter a new account. The current verified account stays in use until staff verify the new one.

    The second factor is checked last, with wrong codes rate-limited per person and per address (``ip``).
    """
    iban_value, bic_value = iban_clean(iban, bic)
    if not holder.strip():
        raise BusinessError(_("Indiquez le titulaire du compte."), code="holder_required")
    second_factor_verify(user=by, code=totp_code, ip=ip)
    BankAccount.objects.select_for_update().filter(structure=structure, status=BankAccountStatus.PENDING).update(
        status=BankAccountStatus.CANCELLED
    )
    account = BankAccount.objects.create(
        structure=structure,
        holder=holder.strip(),
        iban=iban_value,
        bic=bic_value,
        requested_by=by,
        mfa_confirmed_at=timezone.now(),
    )
    audit_record(
        action="settlement.bank_account.requested",
        actor=by,
        organisation=structure,
        target=account,
        data={"iban_end": iban_value[-4:]},
    )
    return account


def _decide(account: BankAccount, *, by, to: str, reason: str) -> BankAccount:
    if by.pk == account.requested_by_id:
        raise BusinessError(
            _("La personne qui a saisi le compte ne peut pas le vérifier."), code="same_person", status=403
        )
    updated = BankAccount.objects.filter(pk=account.pk, status=BankAccountStatus.PENDING).update(
        status=to, verified_by=by, verified_at=timezone.now(), decision_reason=reason
    )
    if not updated:
        raise BusinessError(_("Déjà effectué."), code="already_done", status=409)
    account.refresh_from_db()
    audit_record(
        action=f"settlement.bank_account.{to}",
        actor=by,
        organisation=account.structure,
        target=account,
        data={"reason": reason},
    )
    return account


@transaction.atomic
def bank_account_verify(*, account: BankAccount, by, reason: str = "") -> BankAccount:
    """Staff checked the account (e.g. against a bank certificate): it replaces the previous one. A run already
    approved to pay this structure goes back to needing an approval (it covered the previous account)."""
    BankAccount.objects.select_for_update().filter(
        structure=account.structure, status=BankAccountStatus.VERIFIED
    ).update(status=BankAccountStatus.SUPERSEDED)
    account = _decide(account, by=by, to=BankAccountStatus.VERIFIED, reason=reason)
    settlement_approval_withdraw(structure_ids=[account.structure_id], by=by, reason="bank_account_verified")
    return account


@transaction.atomic
def bank_account_reject(*, account: BankAccount, by, reason: str) -> BankAccount:
    if not reason.strip():
        raise BusinessError(_("Le motif du refus est obligatoire."), code="reason_required")
    return _decide(account, by=by, to=BankAccountStatus.REJECTED, reason=reason.strip())
