"""Two of everything, built through the real services: side A (whose people make the requests) and side B
(whose objects they must never reach). Used by the access matrix."""

import datetime
from dataclasses import dataclass, field

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.enums import MembershipRole, OrganisationKind, StaffRole
from accounts.models import ApiKey, Organisation, User
from accounts.services import api_key_create
from cheques.enums import OrderStatus
from cheques.models import Carnet, Invoice, Order, PrintChunk, Redemption
from cheques.services.distribution import carnets_assign, invitation_send, partnership_add
from cheques.services.printing import print_chunk_render, print_job_finish, print_job_start
from cheques.services.redemptions import counter_for_user, redemption_validate
from qualification.models import Application, ApplicationDocument, Mediateur, MediateurQualification, Qualification
from qualification.services import applications as application_services
from settlement.enums import BankAccountStatus
from settlement.models import BankAccount, Payout
from settlement.services import runs
from tests.cheques.counter import counter_lieu, issued_codes, mediateur_at
from tests.factories import OrderFactory, OrganisationFactory, member, order_through, staff_user, totp_enrol
from tests.qualification.helpers import complete_application
from tests.settlement.helpers import OCTOBER, SERVICE_OF_COST, verified_account


@dataclass
class Side:
    """One organisation of each kind with its people and objects."""

    funder: Organisation
    distributor: Organisation
    structure: Organisation
    people: dict[str, User] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)  # organisation kind -> raw API key
    api_keys: dict[str, ApiKey] = field(default_factory=dict)  # organisation kind -> its key
    order: Order | None = None  # issued, carnets printed, one carnet with the distributor
    draft_order: Order | None = None
    quoted_order: Order | None = None
    invoice: Invoice | None = None
    carnet: Carnet | None = None
    chunk: PrintChunk | None = None
    invitation_token: str = ""
    application: Application | None = None  # submitted
    document: ApplicationDocument | None = None
    mediateur: Mediateur | None = None  # on the application
    qualification: Qualification | None = None
    mediateur_qualification: MediateurQualification | None = None
    redemption: Redemption | None = None  # this month, not settled (can be voided)
    payout: Payout | None = None
    bank_account: BankAccount | None = None  # pending verification


def _redeem(lieu, user, codes: dict[str, str], count: int = 1) -> Redemption:
    counter = counter_for_user(user=user, lieu=lieu)
    number = sorted(codes)[0]
    code = codes.pop(number)
    return redemption_validate(
        counter=counter,
        lieu=lieu,
        service_code=SERVICE_OF_COST[count],
        cheques_count=count,
        ip="10.9.9.9",
        number=number,
        code=code,
    ).redemption


def build_side(label: str) -> Side:
    funder = OrganisationFactory(kind=OrganisationKind.COMMANDITAIRE, name=f"Commanditaire {label}")
    distributor = OrganisationFactory(kind=OrganisationKind.DISTRIBUTEUR, name=f"Distributeur {label}")
    side = Side(funder=funder, distributor=distributor, structure=None)
    people = side.people
    people["funder_admin"] = member(organisation=funder, role=MembershipRole.ADMIN)
    people["funder_member"] = member(organisation=funder, role=MembershipRole.MEMBER)
    people["distributor_admin"] = member(organisation=distributor, role=MembershipRole.ADMIN)
    people["distributor_member"] = member(organisation=distributor, role=MembershipRole.MEMBER)

    # The funder's order, issued and printed; one carnet confided to the distributor.
    order, codes = issued_codes(funder=funder, by=people["funder_admin"], quantity=20, carnet_size=10)
    job = print_job_start(order=order, chunk_cheques=10)  # two chunks, so there is a ZIP of them
    for chunk in job.chunks.all():
        print_chunk_render(chunk_id=chunk.pk)
    print_job_finish(job_id=job.pk)
    side.order, side.chunk = order, job.chunks.first()
    side.invoice = Invoice.objects.filter(order=order).first()
    partnership_add(funder=funder, distributeur=distributor, by=people["funder_admin"])
    carnets_assign(
        funder=funder,
        carnets=Carnet.objects.filter(pk=order.carnets.order_by("position").first().pk),
        distributeur=distributor,
        by=people["funder_admin"],
    )
    side.carnet = order.carnets.order_by("position").first()
    side.draft_order = OrderFactory(funder=funder, created_by=people["funder_admin"])
    side.quoted_order = order_through(OrderStatus.QUOTED, funder=funder, by=people["funder_admin"])
    side.invitation_token = invitation_send(
        funder=funder, email=f"invite-{label.lower()}@exemple.test", by=people["funder_admin"]
    ).token

    # The structure: a qualified lieu with its médiateur, a settled October and a redemption this month.
    people["structure_admin"], application = complete_application()
    totp_enrol(people["structure_admin"])  # the person who manages the bank details has a second factor
    structure = application.structure
    side.structure = structure
    people["structure_member"] = member(organisation=structure, role=MembershipRole.MEMBER)
    application_services.application_submit(application=application, by=people["structure_admin"])
    side.application = application
    side.document = application.documents.first()
    side.mediateur = application.lieu.mediateurs.first()

    with time_machine.travel(datetime.datetime.combine(OCTOBER.replace(day=15), datetime.time(10)), tick=True):
        lieu = counter_lieu(structure=structure)
        people["mediateur"], mediateur = mediateur_at(lieu)
        side.qualification = lieu.qualifications.get()
        side.mediateur_qualification = MediateurQualification.objects.get(mediateur=mediateur)
        _october_order, october_codes = issued_codes(quantity=10, carnet_size=10)
        _redeem(lieu, people["mediateur"], october_codes)
    verified_account(structure)
    _current_order, current_codes = issued_codes(quantity=10, carnet_size=10)
    side.redemption = _redeem(lieu, people["mediateur"], current_codes)
    side.bank_account = BankAccount.objects.create(
        structure=structure,
        holder=structure.name,
        iban="FR1420041010050500013M02606",
        bic="PSSTFRPPXXX",
        status=BankAccountStatus.PENDING,
        requested_by=people["structure_admin"],
        mfa_confirmed_at=timezone.now(),
    )

    for kind, organisation, admin in (
        ("commanditaire", funder, people["funder_admin"]),
        ("distributeur", distributor, people["distributor_admin"]),
        ("structure", structure, people["structure_admin"]),
    ):
        key, raw = api_key_create(organisation=organisation, name=f"outil {label}", by=admin)
        side.keys[kind], side.api_keys[kind] = raw, key
    return side


@dataclass
class World:
    a: Side
    b: Side
    staff: dict[str, User]


def build_world() -> World:
    staff = {f"staff_{role}": staff_user(role) for role in StaffRole.values}
    world = World(a=build_side("A"), b=build_side("B"), staff=staff)
    with time_machine.travel(datetime.datetime.combine(OCTOBER + datetime.timedelta(days=32), datetime.time(6))):
        runs.settlement_compute(period=OCTOBER)
    for side in (world.a, world.b):
        side.payout = Payout.objects.get(structure=side.structure, period=OCTOBER)
    return world


def document_upload(application: Application, user: User) -> ApplicationDocument:
    from tests.qualification.helpers import PDF_BYTES

    return application_services.application_add_document(
        application=application, kind="statuts", uploaded_file=SimpleUploadedFile("statuts.pdf", PDF_BYTES), by=user
    )
