"""The people and places the money machine plays with, built once per test through the real services, and
the machine's own account of what should be true (its model), kept apart from the database it checks."""

import datetime
from dataclasses import dataclass, field

from accounts.enums import OrganisationKind
from accounts.models import Organisation, User
from cheques.enums import CarnetStatus, ChequeStatus
from cheques.services.distribution import partnership_add
from cheques.services.redemptions import Counter, counter_for_user
from qualification.models import Lieu
from tests.cheques.counter import counter_lieu, mediateur_at
from tests.factories import member, staff_user
from tests.settlement.helpers import OCTOBER, opted_in_to_mutations, verified_account

# The services of the référentiel the lieux offer, by cost in cheques (tests/settlement/helpers.py).
SERVICE_OF_COST = {1: "smartphone-premiers-pas", 2: "retraite-en-ligne", 3: "parcours-bien-demarrer"}


@dataclass(frozen=True)
class Desk:
    lieu: Lieu
    counter: Counter

    @property
    def structure_id(self) -> int:
        return self.lieu.structure_id


@dataclass(frozen=True)
class World:
    funders: list[tuple[Organisation, User]]
    distributeur: Organisation
    distributeur_user: User
    desks: list[Desk]  # A: paid, gives to Mutations; B: paid; C: no verified bank account (held)
    finance: tuple[User, User]  # two different people: a run is reviewed by one, approved by the other

    @property
    def structure_ids(self) -> list[int]:
        return [desk.structure_id for desk in self.desks]


def world_build() -> World:
    funders = []
    for _index in range(2):
        user = member(OrganisationKind.COMMANDITAIRE)
        funders.append((user.memberships.get().organisation, user))
    distributeur_user = member(OrganisationKind.DISTRIBUTEUR)
    distributeur = distributeur_user.memberships.get().organisation
    for funder, user in funders:
        partnership_add(funder=funder, distributeur=distributeur, by=user)
    desks = []
    for commune in ("69123", "15001", "69123"):
        lieu = counter_lieu(commune_code=commune)
        user, _mediateur = mediateur_at(lieu)
        desks.append(Desk(lieu=lieu, counter=counter_for_user(user=user, lieu=lieu)))
    opted_in_to_mutations(desks[0].lieu.structure, since=OCTOBER)
    verified_account(desks[0].lieu.structure)
    verified_account(desks[1].lieu.structure, iban="FR1420041010050500013M02606", bic="PSSTFRPPXXX")
    return World(
        funders=funders,
        distributeur=distributeur,
        distributeur_user=distributeur_user,
        desks=desks,
        finance=(staff_user("finance"), staff_user("finance")),
    )


# --- The model: what the machine expects, updated by the rules from what they asked for -----------------


@dataclass
class ChequeModel:
    pk: int
    number: str
    code: str
    carnet: int
    position: int
    valid_until: datetime.date
    face_value: int
    status: str = ChequeStatus.ISSUED


@dataclass
class CarnetModel:
    pk: int
    number: str
    order: int
    valid_until: datetime.date
    status: str = CarnetStatus.ISSUED
    cheques: list[int] = field(default_factory=list)  # pks, in printed order


@dataclass
class RedemptionModel:
    pk: int
    structure_id: int
    period: datetime.date
    cheques: list[int]
    face_value_total: int
    status: str


@dataclass
class Model:
    orders: dict[int, str] = field(default_factory=dict)  # pk -> expected status
    cheques: dict[int, ChequeModel] = field(default_factory=dict)
    carnets: dict[int, CarnetModel] = field(default_factory=dict)
    redemptions: dict[int, RedemptionModel] = field(default_factory=dict)
    runs: dict[datetime.date, int] = field(default_factory=dict)  # period -> run pk

    def spendable_in(self, carnet: int, today: datetime.date) -> list[ChequeModel]:
        """What ``_redeem`` may take from a carnet today, in printed order."""
        return [
            cheque
            for pk in self.carnets[carnet].cheques
            if (cheque := self.cheques[pk]).status == ChequeStatus.ISSUED and cheque.valid_until >= today
        ]

    def outstanding(self) -> list[ChequeModel]:
        """Cheques whose face value is still owed (``Cheque.objects.outstanding``)."""
        return [
            cheque
            for cheque in self.cheques.values()
            if cheque.status == ChequeStatus.ISSUED
            or (cheque.status == ChequeStatus.BLOCKED and self.carnets[cheque.carnet].status != CarnetStatus.REPLACED)
        ]
