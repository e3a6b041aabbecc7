"""Every "may this person do this here" answer: a role grants permissions within its scope.

A role assignment's scope is one place (street, community, compound, building or grid); it
covers that place and everything inside it. `may(user, permission, place)` is the one question;
`may_anywhere`, `acting_role` and the `*_in_scope` querysets are built on it.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from roundtable.places.models import (
    Building,
    Community,
    Compound,
    Grid,
    Home,
    Station,
    Street,
    Unit,
)

from .models import Role, RoleAssignment


class Perm:
    VIEW_WORKSPACE = "view_workspace"  # the staff workspace for a place
    VIEW_REGISTER = "view_register"  # residents of homes, names shown, phones masked
    SEE_PHONE = "see_phone"  # residents' full mobile numbers
    IMPORT_REGISTER = "import_register"  # upload the household register
    MANAGE_ROLES = "manage_roles"  # grant and revoke roles
    MANAGE_GROUPS = "manage_groups"  # edit constituency groups and their members
    MANAGE_PLACES = "manage_places"  # edit compounds, buildings, homes, grids, stations
    VIEW_AUDIT = "view_audit"  # read the audit log
    TRIAGE = "triage"  # mark suggestions valid/invalid/duplicate, dispatch them
    ENTER_SLIPS = "enter_slips"  # enter paper suggestions on a resident's behalf
    HANDLE_DISPATCHED = "handle_dispatched"  # accept and respond to dispatched suggestions
    ORGANISE_MEETING = "organise_meeting"  # schedule meetings, set agendas, write minutes
    CHECK_IN = "check_in"  # check attendees in at meetings
    RUN_POLL = "run_poll"  # create, open and close polls
    ENTER_BALLOTS = "enter_ballots"  # enter paper ballots and show-of-hands counts
    VIEW_METRICS = "view_metrics"  # internal metric breakdowns and exports


PERMISSION_LABELS = {
    Perm.VIEW_WORKSPACE: _("open the staff workspace"),
    Perm.VIEW_REGISTER: _("see the household register"),
    Perm.SEE_PHONE: _("see residents' full mobile numbers"),
    Perm.IMPORT_REGISTER: _("import the household register"),
    Perm.MANAGE_ROLES: _("grant and revoke roles"),
    Perm.MANAGE_GROUPS: _("edit constituency groups"),
    Perm.MANAGE_PLACES: _("edit places"),
    Perm.VIEW_AUDIT: _("read the audit log"),
    Perm.TRIAGE: _("triage and dispatch suggestions"),
    Perm.ENTER_SLIPS: _("enter paper suggestions"),
    Perm.HANDLE_DISPATCHED: _("handle dispatched suggestions"),
    Perm.ORGANISE_MEETING: _("organise meetings"),
    Perm.CHECK_IN: _("check in meeting attendees"),
    Perm.RUN_POLL: _("run polls"),
    Perm.ENTER_BALLOTS: _("enter paper ballots"),
    Perm.VIEW_METRICS: _("see internal metrics and exports"),
}

_ALL = set(PERMISSION_LABELS)

# What each role may do within its scope. Residents without a role act only on their own data.
ROLE_PERMISSIONS = {
    Role.COMMUNITY_WORKER: _ALL,
    Role.GRID_WORKER: {
        Perm.VIEW_WORKSPACE,
        Perm.VIEW_REGISTER,
        Perm.SEE_PHONE,
        Perm.ENTER_SLIPS,
        Perm.ORGANISE_MEETING,
        Perm.CHECK_IN,
        Perm.ENTER_BALLOTS,
        Perm.VIEW_METRICS,
    },
    Role.PROPERTY_STAFF: {Perm.VIEW_WORKSPACE, Perm.HANDLE_DISPATCHED},
    Role.PARTY_SECRETARY: {
        Perm.VIEW_WORKSPACE,
        Perm.VIEW_REGISTER,
        Perm.ORGANISE_MEETING,
        Perm.CHECK_IN,
        Perm.VIEW_METRICS,
    },
    Role.BUILDING_LEADER: {
        Perm.VIEW_WORKSPACE,
        Perm.VIEW_REGISTER,
        Perm.ENTER_SLIPS,
        Perm.CHECK_IN,
        Perm.RUN_POLL,
        Perm.ENTER_BALLOTS,
    },
    Role.RESIDENT_REPRESENTATIVE: {Perm.VIEW_WORKSPACE, Perm.ENTER_SLIPS},
    Role.OWNERS_COMMITTEE_MEMBER: {
        Perm.VIEW_WORKSPACE,
        Perm.VIEW_REGISTER,
        Perm.RUN_POLL,
        Perm.ENTER_BALLOTS,
    },
    Role.VOLUNTEER: {Perm.VIEW_WORKSPACE, Perm.CHECK_IN},
    Role.STREET_OFFICIAL: {Perm.VIEW_WORKSPACE, Perm.VIEW_AUDIT, Perm.VIEW_METRICS},
}


def role_has(role, permission):
    return permission in ROLE_PERMISSIONS.get(role, ())


def assignments(user):
    """The user's role assignments, loaded once per request object."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_role_assignments", None)
    if cached is None:
        # The checks read only the role and the scope's and organisation's ids: no joins. The
        # six-table join planned on every logged-in page cost more than the rest of the query.
        cached = list(RoleAssignment.objects.filter(user=user))
        user._role_assignments = cached
    return cached


def forget(user):
    """Drop the cached assignments after roles change."""
    user.__dict__.pop("_role_assignments", None)


def containing(place):
    """The scope keys that cover `place`: the place itself and every place around it."""
    if isinstance(place, Home):
        return {("home", place.pk)} | containing(place.unit)
    if isinstance(place, Unit):
        return {("unit", place.pk)} | containing(place.building)
    if isinstance(place, Building):
        grids = {("grid", pk) for pk in place.grids.values_list("pk", flat=True)}
        return {("building", place.pk)} | grids | containing(place.compound)
    if isinstance(place, Compound):
        return {("compound", place.pk)} | containing(place.community)
    if isinstance(place, Grid):
        return {("grid", place.pk)} | containing(place.community)
    if isinstance(place, Station):
        around = containing(place.compound) if place.compound_id else set()
        return {("station", place.pk)} | around | containing(place.community)
    if isinstance(place, Community):
        return {("community", place.pk), ("street", place.street_id)}
    if isinstance(place, Street):
        return {("street", place.pk)}
    raise TypeError(f"not a place: {place!r}")


def roles_here(user, place):
    """The roles `user` holds at `place` (through a scope that covers it)."""
    held = assignments(user)
    if not held:
        return set()
    around = containing(place)
    return {a.role for a in held if a.scope_key in around}


def may(user, permission, place):
    """May `user` do `permission` at `place`?"""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(role_has(role, permission) for role in roles_here(user, place))


def require(allowed, message=None):
    if not allowed:
        raise PermissionDenied(message or _("You may not do this here."))


def acting_role(user, permission, place):
    """The role under which `user` does `permission` at `place`, for the audit log."""
    if getattr(user, "is_superuser", False):
        return "superuser"
    for role in sorted(roles_here(user, place)):
        if role_has(role, permission):
            return role
    return "resident"


def may_anywhere(user, permission):
    """Whether `user` holds `permission` in at least one scope (to show menus)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or any(role_has(a.role, permission) for a in assignments(user))


def _scope_q(assignment, prefix):
    """A filter for objects inside `assignment`'s scope; `prefix` leads from them to a building."""
    field, pk = assignment.scope_key
    paths = {
        "street": "compound__community__street",
        "community": "compound__community",
        "compound": "compound",
        "building": "",
        "grid": "grids",
    }
    path = paths[field]
    lookup = "__".join(p for p in (prefix, path) if p) or "pk"
    return Q(**{lookup: pk})


def homes_in_scope(user, permission):
    """Homes where `user` has `permission`."""
    return _in_scope(Home.objects.all(), user, permission, "unit__building")


def buildings_in_scope(user, permission):
    return _in_scope(Building.objects.all(), user, permission, "")


def communities_in_scope(user, permission):
    if getattr(user, "is_superuser", False):
        return Community.objects.all()
    query = Q(pk__in=[])
    for a in assignments(user):
        if role_has(a.role, permission):
            query |= _community_q(a)
    return Community.objects.filter(query).distinct()


def _community_q(assignment):
    field, pk = assignment.scope_key
    paths = {
        "street": "street",
        "community": "pk",
        "compound": "compounds",
        "building": "compounds__buildings",
        "grid": "grids",
    }
    return Q(**{paths[field]: pk})


def _in_scope(queryset, user, permission, prefix):
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if user.is_superuser:
        return queryset
    query = Q(pk__in=[])
    for a in assignments(user):
        if role_has(a.role, permission):
            query |= _scope_q(a, prefix)
    return queryset.filter(query).distinct()
