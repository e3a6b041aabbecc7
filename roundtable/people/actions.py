"""Writes about people: roles, groups, consent, logins and personal-data export."""

from django.conf import settings
from django.contrib.auth import login
from django.db import transaction
from django.utils import timezone

from roundtable.audit.log import record
from roundtable.places.models import community_of

from . import permissions
from .models import DEFAULT_GROUPS, ConstituencyGroup, PrivacyConsent, Role, RoleAssignment
from .permissions import Perm, acting_role, may, require


@transaction.atomic
def grant_role(user, role, scope, *, by, organisation=None):
    """Give `user` the role `role` in the place `scope`."""
    if by is not None:
        require(may(by, Perm.MANAGE_ROLES, scope))
    field = type(scope)._meta.model_name
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=Role(role), organisation=organisation, **{field: scope}
    )
    if created:
        record(
            user,
            "role.granted",
            by=by,
            role=acting_role(by, Perm.MANAGE_ROLES, scope) if by else "system",
            community=community_of(scope),
            granted=str(role),
            scope=f"{field}:{scope.pk}",
            scope_name=str(scope),
            organisation=str(organisation or ""),
        )
    permissions.forget(user)
    return assignment


@transaction.atomic
def revoke_role(assignment, *, by):
    """Take a role assignment away."""
    if by is not None:
        require(may(by, Perm.MANAGE_ROLES, assignment.scope))
    record(
        assignment.user,
        "role.revoked",
        by=by,
        role=acting_role(by, Perm.MANAGE_ROLES, assignment.scope) if by else "system",
        community=community_of(assignment.scope),
        revoked=assignment.role,
        scope=f"{assignment.scope_key[0]}:{assignment.scope_key[1]}",
        scope_name=str(assignment.scope),
    )
    assignment.delete()
    permissions.forget(assignment.user)


def ensure_default_groups(community):
    """Create the default constituency groups a community starts with; keeps edited ones."""
    for order, name in enumerate(DEFAULT_GROUPS):
        ConstituencyGroup.objects.get_or_create(
            community=community, name=name, defaults={"order": order}
        )


@transaction.atomic
def accept_privacy_notice(user):
    """Record consent to the current privacy notice (its version and time)."""
    version = settings.PRIVACY_NOTICE_VERSION
    consent = PrivacyConsent.objects.filter(user=user, version=version, withdrawn_at=None).first()
    if consent is None:
        consent = PrivacyConsent.objects.create(user=user, version=version)
        record(user, "privacy.accepted", by=user, role="resident", version=version)
    return consent


@transaction.atomic
def withdraw_privacy_consent(user):
    """Withdraw every standing consent; the history of consents is kept."""
    withdrawn = PrivacyConsent.objects.filter(user=user, withdrawn_at=None).update(
        withdrawn_at=timezone.now()
    )
    if withdrawn:
        record(user, "privacy.withdrawn", by=user, role="resident")
    return withdrawn


def has_current_consent(user):
    return PrivacyConsent.objects.filter(
        user=user, version=settings.PRIVACY_NOTICE_VERSION, withdrawn_at=None
    ).exists()


def log_in(request, user, *, method):
    """Start a session; logins by anyone holding a role are recorded in the audit log."""
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if user.is_staff or user.is_superuser or permissions.assignments(user):
        roles = sorted({a.role for a in permissions.assignments(user)}) or ["admin"]
        record(user, "login.staff", by=user, role=",".join(roles), method=method)


def personal_data(user):
    """Everything kept about `user`, as a JSON-ready dict (the right of access, PIPL Art. 45)."""
    from roundtable.audit.models import Event

    return {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "phone": user.phone,
            "name": user.name,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "homes": [
            {"home": str(r.home), "relation": r.relation, "area_m2": str(r.home.area or "")}
            for r in user.residencies.select_related("home__unit__building__compound")
        ],
        "groups": [
            {"community": g.community.name, "group": g.name}
            for g in user.constituency_groups.select_related("community")
        ],
        "roles": [
            {"role": a.role, "scope": str(a.scope), "organisation": str(a.organisation or "")}
            for a in RoleAssignment.objects.filter(user=user).with_scope()
        ],
        "privacy_consents": [
            {
                "version": c.version,
                "accepted_at": c.accepted_at.isoformat(),
                "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
            }
            for c in user.privacy_consents.all()
        ],
        "activity": [
            {"time": e.created_at.isoformat(), "action": e.action, "object": e.object_repr}
            for e in Event.objects.filter(actor=user).order_by("id")[:5000]
        ],
    }
