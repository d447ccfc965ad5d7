"""What may this person (or this API key) see and do? The one place that answers it.

A request carries an :class:`Access`: the user, the organisation they act for right now, their role in
it and their staff roles. Views call the decorators below; selectors scope their querysets with it
(``Order.objects.visible_to(access)``); API views get the same object from an API key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from accounts.enums import MembershipRole, OrganisationKind, StaffRole
from accounts.models import ApiKey, Membership, Organisation, User

SESSION_ORGANISATION_KEY = "aptic_organisation_id"


@dataclass(frozen=True)
class Access:
    user: User | None = None
    organisation: Organisation | None = None
    role: str | None = None
    staff_roles: frozenset[str] = field(default_factory=frozenset)
    api_key: ApiKey | None = None
    memberships: tuple[Membership, ...] = ()

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None or self.api_key is not None

    @property
    def kind(self) -> str | None:
        return self.organisation.kind if self.organisation else None

    @property
    def is_staff(self) -> bool:
        return bool(self.user and self.user.is_staff and self.user.is_active)

    def has_staff_role(self, role: str) -> bool:
        return self.is_staff and (role in self.staff_roles or self.user.is_superuser)

    @property
    def is_commanditaire(self) -> bool:
        return self.kind == OrganisationKind.COMMANDITAIRE

    @property
    def is_distributeur(self) -> bool:
        return self.kind == OrganisationKind.DISTRIBUTEUR

    @property
    def is_structure(self) -> bool:
        return self.kind == OrganisationKind.STRUCTURE

    @property
    def is_organisation_admin(self) -> bool:
        return self.organisation is not None and self.role == MembershipRole.ADMIN

    @property
    def is_mediateur(self) -> bool:
        """A person who may validate cheques at the counter (their lieu's qualification is checked later)."""
        return self.is_structure and self.role in (MembershipRole.MEDIATEUR, MembershipRole.ADMIN)

    @property
    def role_label(self) -> str:
        return MembershipRole(self.role).label if self.role else ""

    @property
    def organisation_id(self) -> int | None:
        return self.organisation.pk if self.organisation else None


ANONYMOUS = Access()


def access_for_user(user, organisation_id: int | None = None) -> Access:
    """The access of a logged-in user acting for ``organisation_id`` (or their first organisation)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    memberships = tuple(user.memberships.select_related("organisation").order_by("organisation__name"))
    current = next((m for m in memberships if m.organisation_id == organisation_id), None)
    if current is None and memberships:
        current = memberships[0]
    staff_roles = frozenset(user.groups.filter(name__in=StaffRole.values).values_list("name", flat=True))
    return Access(
        user=user,
        organisation=current.organisation if current else None,
        role=current.role if current else None,
        staff_roles=staff_roles if user.is_staff else frozenset(),
        memberships=memberships,
    )


def access_for_api_key(api_key: ApiKey) -> Access:
    """An API key acts for its organisation with a member's rights (never an admin's, never staff)."""
    return Access(organisation=api_key.organisation, role=MembershipRole.MEMBER, api_key=api_key)


def access_required(
    *,
    kinds: tuple[str, ...] = (),
    roles: tuple[str, ...] = (),
    staff_roles: tuple[str, ...] = (),
    second_factor: bool = False,
):
    """View decorator: login required, then either one of ``staff_roles`` or the organisation ``kinds`` and
    ``roles`` (when both are given, either one lets the person in).

    An anonymous visitor is sent to the login page; a logged-in person without the right gets a 403
    that names nothing about the data (objects themselves are fetched through scoped querysets: 404).
    With ``second_factor``, the people it admits must have enrolled a TOTP authenticator first (staff always
    must): ``accounts.middleware.SecondFactorMiddleware`` sends them to enrol.
    """

    def allowed(access: Access) -> bool:
        if not (kinds or roles or staff_roles):
            return True
        as_staff = any(access.has_staff_role(role) for role in staff_roles)
        as_member = (
            bool(kinds or roles) and (not kinds or access.kind in kinds) and (not roles or access.role in roles)
        )
        return as_staff or as_member

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            access: Access = request.access
            if not access.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not allowed(access):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        if second_factor:
            wrapped.second_factor_for = allowed
        return wrapped

    return decorator


def access_for_request(request) -> Access:
    """The access of a page request or of an API request (DRF ``Request``, session or API key)."""
    if isinstance(getattr(request, "auth", None), ApiKey):
        return access_for_api_key(request.auth)
    django_request = getattr(request, "_request", request)
    return django_request.access
