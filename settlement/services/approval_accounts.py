"""Which account each payout is paid on: the one verified when the run was approved, and no other.

An account verified after the approval is not paid until a second person approves the run again: verifying
it sends the approved runs that pay the structure back to "reviewed", and the export refuses (and does the
same) if the account in force is not the one the approval covered.
"""

from django.utils.translation import gettext as _

from accounts.services import audit_record
from aptic.errors import BusinessError
from settlement.enums import BankAccountStatus, PayoutStatus, RunStatus
from settlement.models import BankAccount, Payout, SettlementRun


def verified_accounts(payouts: list[Payout]) -> dict[int, BankAccount]:
    """The verified account of each payout's structure, by structure id."""
    return {
        account.structure_id: account
        for account in BankAccount.objects.filter(
            status=BankAccountStatus.VERIFIED, structure__in=[p.structure_id for p in payouts]
        )
    }


def accounts_changed_since_approval(payouts: list[Payout], verified: dict[int, BankAccount]) -> list[Payout]:
    """The payouts whose structure's account in force is not the one their run's approval covered."""
    for payout in payouts:
        if verified.get(payout.structure_id) is None:
            raise BusinessError(
                _("%(structure)s n'a plus de compte bancaire vérifié : vérifiez son nouveau compte avant d'exporter.")
                % {"structure": payout.structure.name},
                code="bank_account_missing",
                status=409,
            )
    return [payout for payout in payouts if verified[payout.structure_id].pk != payout.bank_account_id]


def settlement_approval_withdraw(*, structure_ids: list[int], by, reason: str) -> list[SettlementRun]:
    """A structure's account changed after a run paying it was approved (not yet exported): the approval no
    longer covers what would be paid, so the run goes back to "reviewed" and needs a new approval."""
    paying = Payout.objects.filter(status=PayoutStatus.PENDING, structure_id__in=structure_ids).values("run_id")
    runs = list(SettlementRun.objects.select_for_update().filter(status=RunStatus.APPROVED, pk__in=paying))
    for run in runs:
        SettlementRun.objects.filter(pk=run.pk, status=RunStatus.APPROVED).update(
            status=RunStatus.REVIEWED, approved_by=None, approved_at=None
        )
        audit_record(
            action="settlement.run.approval_withdrawn",
            actor=by,
            target=run,
            data={"structures": sorted(structure_ids), "reason": reason, "approved_by": run.approved_by_id},
        )
    return runs
