"""Writes about people: roles, groups, consent, logins and personal-data export."""

from django.conf import settings
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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


def _group_changed(group, action, *, by, **details):
    """Audit a change to a group (its event also retires the community page's group sizes)."""
    role = acting_role(by, Perm.MANAGE_GROUPS, group.community)
    record(group, action, by=by, role=role, **details)


def _checked_group_name(community, name, *, group=None):
    """`name` stripped, refused when empty, too long or already a group of `community`."""
    name = (name or "").strip()
    longest = ConstituencyGroup._meta.get_field("name").max_length
    if not name:
        raise ValidationError(_("Enter a name for the group."), code="required")
    if len(name) > longest:
        raise ValidationError(
            _("A group name has at most %(limit_value)d characters."),
            code="max_length",
            params={"limit_value": longest},
        )
    taken = ConstituencyGroup.objects.filter(community=community, name=name)
    if group is not None:
        taken = taken.exclude(pk=group.pk)
    if taken.exists():
        raise ValidationError(
            _("%(community)s already has a group called “%(name)s”."),
            code="duplicate",
            params={"community": community.name, "name": name},
        )
    return name


def _save_group_name(group):
    # The unique constraint still decides when two people pick the same name at once.
    try:
        with transaction.atomic():
            group.save()
    except IntegrityError:
        _checked_group_name(group.community, group.name, group=group)
        raise


@transaction.atomic
def create_group(community, name, *, by):
    """Add a constituency group at the end of the community's list."""
    require(may(by, Perm.MANAGE_GROUPS, community))
    name = _checked_group_name(community, name)
    last = community.groups.aggregate(last=Max("order"))["last"]
    group = ConstituencyGroup(community=community, name=name, order=0 if last is None else last + 1)
    _save_group_name(group)
    _group_changed(group, "group.created", by=by, name=name)
    return group


@transaction.atomic
def rename_group(group, name, *, by):
    """Give a group a new name; its members and place in the list stay."""
    require(may(by, Perm.MANAGE_GROUPS, group.community))
    name = _checked_group_name(group.community, name, group=group)
    old_name = group.name
    if name == old_name:
        return group
    group.name = name
    _save_group_name(group)
    _group_changed(group, "group.renamed", by=by, old_name=old_name, new_name=name)
    return group


@transaction.atomic
def move_group(group, offset, *, by):
    """Move a group `offset` places down its community's list (up when negative)."""
    require(may(by, Perm.MANAGE_GROUPS, group.community))
    groups = list(ConstituencyGroup.objects.select_for_update().filter(community=group.community))
    old = next(i for i, g in enumerate(groups) if g.pk == group.pk)
    new = max(0, min(len(groups) - 1, old + offset))
    if new == old:
        return False
    groups.insert(new, groups.pop(old))
    # Renumbering the whole list also mends equal orders left by imports or the admin.
    for position, g in enumerate(groups):
        g.order = position
    ConstituencyGroup.objects.bulk_update(groups, ["order"])
    group.order = new
    _group_changed(group, "group.moved", by=by, from_position=old + 1, to_position=new + 1)
    return True


@transaction.atomic
def delete_group(group, *, by):
    """Delete a group; its members lose only this membership."""
    require(may(by, Perm.MANAGE_GROUPS, group.community))
    members = group.members.count()
    _group_changed(group, "group.deleted", by=by, name=group.name, members=members)
    group.delete()
    return members


def lives_in(user, community):
    """Whether `user` is registered at a home of `community`."""
    return user.residencies.filter(home__unit__building__compound__community=community).exists()


@transaction.atomic
def add_group_member(group, user, *, by):
    """Add a resident of the group's community to the group; False if already a member."""
    require(may(by, Perm.MANAGE_GROUPS, group.community))
    if not lives_in(user, group.community):
        raise ValidationError(
            _("%(person)s is not registered at a home in %(community)s."),
            code="not_resident",
            params={"person": user, "community": group.community.name},
        )
    if group.members.filter(pk=user.pk).exists():
        return False
    group.members.add(user)
    _group_changed(group, "group.member_added", by=by, member_id=user.pk, member=str(user))
    return True


@transaction.atomic
def remove_group_member(group, user, *, by):
    """Take a person out of a group; they stay a resident. False if not a member."""
    require(may(by, Perm.MANAGE_GROUPS, group.community))
    if not group.members.filter(pk=user.pk).exists():
        return False
    group.members.remove(user)
    _group_changed(group, "group.member_removed", by=by, member_id=user.pk, member=str(user))
    return True


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
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    if user.is_staff or user.is_superuser or permissions.assignments(user):
        roles = sorted({a.role for a in permissions.assignments(user)}) or ["admin"]
        record(user, "login.staff", by=user, role=",".join(roles), method=method)


def set_birth_year(user, year, *, by):
    """`user`'s year of birth (None removes it), set by the person themselves."""
    if by is None or by.pk != user.pk:
        raise PermissionDenied(_("Only the person may give their year of birth here."))
    user.birth_year = year
    user.save(update_fields=["birth_year"])
    # The year itself stays out of the log, which more people may read than the profile.
    record(user, "person.birth_year_set", by=by, role="self", given=year is not None)


def personal_data(user):
    """Everything kept about `user`, as a JSON-ready dict (the right of access, PIPL Art. 45)."""
    from roundtable.audit.models import Event

    return {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "phone": user.phone,
            "name": user.name,
            "birth_year": user.birth_year,
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
