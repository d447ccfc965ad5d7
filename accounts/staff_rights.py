"""Staff rights (``is_staff``, ``is_superuser``, groups, hence staff roles): the one service that changes them.

No staff role edits rights: only a superuser (a break-glass account, not used daily) in the admin, or the
server's operator with ``manage.py staff_role`` / ``manage.py breakglass_superuser``. Every change is in the
audit log and e-mailed to the person concerned (DESIGN §4: "no staff account can widen its own rights").
"""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from accounts.enums import StaffRole
from accounts.models import User
from accounts.services import audit_record
from aptic.errors import BusinessError

ACTION = "accounts.staff_rights.changed"


@dataclass(frozen=True)
class StaffRights:
    is_staff: bool
    is_superuser: bool
    groups: frozenset[str]

    @classmethod
    def of(cls, user: User) -> "StaffRights":
        return cls(user.is_staff, user.is_superuser, frozenset(user.groups.values_list("name", flat=True)))

    def as_data(self) -> dict:
        return {"is_staff": self.is_staff, "is_superuser": self.is_superuser, "groups": sorted(self.groups)}

    def labels(self) -> list[str]:
        """What these rights mean, in words, for the e-mail."""
        lines = [
            _("Accès à l'espace de l'équipe et à l'administration : %s") % (_("oui") if self.is_staff else _("non"))
        ]
        if self.is_superuser:
            lines.append(_("Super-administrateur (compte de secours) : oui"))
        roles = [StaffRole(name).label if name in StaffRole.values else name for name in sorted(self.groups)]
        lines.append(_("Rôles : %s") % (", ".join(str(role) for role in roles) or _("aucun")))
        return lines


def _refuse_unless_superuser(by: User | None) -> None:
    if by is not None and not (by.is_active and by.is_superuser):
        raise BusinessError(
            _("Seul un super-administrateur peut changer les droits d'une personne de l'équipe."),
            code="forbidden",
            status=403,
        )


def _notify(user: User, before: StaffRights, after: StaffRights, by: User | None) -> None:
    context = {
        "user": user,
        "before": before.labels(),
        "after": after.labels(),
        "by": by.email if by is not None else _("une commande d'administration du serveur"),
        "site_url": settings.SITE_URL,
    }
    body = render_to_string("accounts/emails/staff_rights_changed.txt", context)
    subject = _("[#APTIC] Vos droits d'accès à la plateforme ont changé")
    EmailMessage(subject=subject, body=body, to=[user.email]).send()


@transaction.atomic
def staff_rights_change(
    *,
    user: User,
    by: User | None,
    via: str,
    is_staff: bool | None = None,
    is_superuser: bool | None = None,
    groups: Iterable[Group] | None = None,
) -> bool:
    """Set what is given of ``user``'s staff rights. ``by`` is the superuser acting in the admin, or None for a
    management command (``via`` says which). Returns False when nothing changed (nothing is recorded then)."""
    _refuse_unless_superuser(by)
    user = User.objects.select_for_update().get(pk=user.pk)
    before = StaffRights.of(user)
    if is_staff is not None:
        user.is_staff = is_staff
    if is_superuser is not None:
        user.is_superuser = is_superuser
    user.save(update_fields=["is_staff", "is_superuser"])
    if groups is not None:
        user.groups.set(groups)
    after = StaffRights.of(user)
    if after == before:
        return False
    audit_record(
        action=ACTION, actor=by, target=user, data={"before": before.as_data(), "after": after.as_data(), "via": via}
    )
    transaction.on_commit(lambda: _notify(user, before, after, by))
    return True


def _role_group(role: str) -> Group:
    if role not in StaffRole.values:
        raise BusinessError(
            _("Rôle inconnu : %(role)s (rôles : %(roles)s).") % {"role": role, "roles": ", ".join(StaffRole.values)},
            code="unknown_role",
        )
    return Group.objects.get(name=role)


def staff_role_grant(*, user: User, role: str, by: User | None = None, via: str) -> bool:
    """Give ``user`` the staff role ``role`` (and so access to the staff pages and the admin)."""
    group = _role_group(role)
    return staff_rights_change(user=user, by=by, via=via, is_staff=True, groups=[*user.groups.all(), group])


def staff_role_revoke(*, user: User, role: str, by: User | None = None, via: str) -> bool:
    """Take ``role`` away; a person left without any staff role (and not superuser) leaves the staff."""
    group = _role_group(role)
    groups = [g for g in user.groups.all() if g != group]
    still_staff = user.is_superuser or any(g.name in StaffRole.values for g in groups)
    return staff_rights_change(user=user, by=by, via=via, is_staff=still_staff, groups=groups)


@transaction.atomic
def breakglass_superuser_create(*, email: str, via: str) -> tuple[User, str]:
    """A new superuser for emergencies, with a random password shown once to the operator. It must enrol a
    second factor at its first login, like every staff account."""
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise BusinessError(
            _("Un compte existe déjà avec cette adresse : un compte de secours est un compte à part."),
            code="already_exists",
        )
    password = secrets.token_urlsafe(24)
    user = User.objects.create_user(email=email, password=password)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    staff_rights_change(user=user, by=None, via=via, is_staff=True, is_superuser=True)
    return user, password


def breakglass_superuser_revoke(*, user: User, via: str) -> bool:
    """The emergency is over: the account is no longer superuser (nor staff, unless it has a staff role)."""
    has_role = user.groups.filter(name__in=StaffRole.values).exists()
    return staff_rights_change(user=user, by=None, via=via, is_superuser=False, is_staff=has_role)
