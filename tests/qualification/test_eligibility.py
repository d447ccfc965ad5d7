import pytest

from qualification.eligibility import Decision, eligibility_of, status_mix
from qualification.enums import EmploymentStatus


@pytest.mark.parametrize(
    ("status", "decision"),
    [
        (EmploymentStatus.SALARIE, Decision.ELIGIBLE),
        (EmploymentStatus.CAE, Decision.ELIGIBLE),
        (EmploymentStatus.GROUPEMENT_EMPLOYEURS, Decision.ELIGIBLE),
        (EmploymentStatus.SERVICE_CIVIQUE, Decision.NEEDS_REVIEW),
        (EmploymentStatus.AUTO_ENTREPRENEUR, Decision.NOT_ELIGIBLE),
        (EmploymentStatus.BENEVOLE, Decision.NOT_ELIGIBLE),
    ],
)
def test_the_seed_000_decides_who_may_redeem(status, decision):
    eligibility = eligibility_of(status)
    assert eligibility.decision == decision
    assert len(eligibility.reason) > 40  # a reason the applicant can read, not a code


def test_the_reasons_quote_the_seed():
    assert "inégalité de traitement" in eligibility_of(EmploymentStatus.AUTO_ENTREPRENEUR).reason
    assert "ne redistribue pas" in eligibility_of(EmploymentStatus.BENEVOLE).reason
    assert "moins-disant" in eligibility_of(EmploymentStatus.SERVICE_CIVIQUE).reason


def test_the_status_mix_counts_each_status_with_its_decision():
    mix = status_mix(["salarie", "salarie", "benevole", "service_civique"])
    assert [(row.status, row.count, row.decision) for row in mix] == [
        ("salarie", 2, Decision.ELIGIBLE),
        ("service_civique", 1, Decision.NEEDS_REVIEW),
        ("benevole", 1, Decision.NOT_ELIGIBLE),
    ]
