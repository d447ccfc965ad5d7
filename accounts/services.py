"""Writes about people and organisations. Every state change records an audit event."""

import secrets

from django.db import transaction
from django.utils import timezone

from accounts.enums import MembershipRole, OrganisationKind
from accounts.models import ApiKey, AuditEvent, Membership, Organisation, User


def audit_record(
    *,
    action: str,
    actor: User | None = None,
    organisation: Organisation | None = None,
    target=None,
    data: dict | None = None,
) -> AuditEvent:
    """Record who did what. ``action`` reads like ``cheques.order.paid``; ``target`` is any model instance."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.pk else None,
        organisation=organisation,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
    )


@transaction.atomic
def organisation_create(*, kind: str, name: str, by: User, **fields) -> Organisation:
    """Create an organisation; its creator becomes its first administrator."""
    if kind not in OrganisationKind.values:
        raise ValueError(f"unknown organisation kind {kind!r}")
    organisation = Organisation(kind=kind, name=name, **fields)
    organisation.full_clean()
    organisation.save()
    Membership.objects.create(user=by, organisation=organisation, role=MembershipRole.ADMIN)
    audit_record(action="accounts.organisation.created", actor=by, organisation=organisation, target=organisation)
    return organisation


@transaction.atomic
def membership_set(*, organisation: Organisation, user: User, role: str, by: User | None) -> Membership:
    """Add ``user`` to ``organisation`` with ``role``, or change their role."""
    if role == MembershipRole.MEDIATEUR and organisation.kind != OrganisationKind.STRUCTURE:
        raise ValueError("only a structure has médiateurs")
    membership, created = Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    audit_record(
        action="accounts.membership.created" if created else "accounts.membership.changed",
        actor=by,
        organisation=organisation,
        target=membership,
        data={"user": user.email, "role": role},
    )
    return membership


@transaction.atomic
def api_key_create(*, organisation: Organisation, name: str, by: User) -> tuple[ApiKey, str]:
    """Create a key and return it with its clear text, which is never stored and never shown again."""
    while True:
        prefix = secrets.token_hex(ApiKey.PREFIX_LENGTH // 2)
        if not ApiKey.objects.filter(prefix=prefix).exists():
            break
    raw_key = f"aptic_{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey.objects.create(
        organisation=organisation, name=name, prefix=prefix, key_hash=ApiKey.hash(raw_key), created_by=by
    )
    audit_record(
        action="accounts.api_key.created",
        actor=by,
        organisation=organisation,
        target=api_key,
        data={"name": name, "prefix": prefix},
    )
    return api_key, raw_key


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey, by: User) -> bool:
    """Revoke a key at once. Returns False when it was already revoked (nothing changes)."""
    updated = ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if updated:
        audit_record(
            action="accounts.api_key.revoked",
            actor=by,
            organisation=api_key.organisation,
            target=api_key,
            data={"prefix": api_key.prefix},
        )
    return bool(updated)
