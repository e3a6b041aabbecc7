"""Who may see and move which suggestion; built on the one permissions module."""

from django.db.models import Q

from roundtable.people.permissions import (
    Perm,
    acting_role,
    assignments,
    communities_in_scope,
    containing,
    may,
    role_has,
)

from .models import SYSTEM, Suggestion


def organisations_of(user):
    """The organisations `user` acts for through a role that handles dispatched suggestions."""
    return {
        a.organisation_id
        for a in assignments(user)
        if a.organisation_id and role_has(a.role, Perm.HANDLE_DISPATCHED)
    }


def may_handle(user, suggestion):
    """Staff of the owner organisation, within their scope."""
    if not may(user, Perm.HANDLE_DISPATCHED, suggestion.place):
        return False
    return user.is_superuser or suggestion.owner_id in organisations_of(user)


def may_move(user, suggestion, permission):
    """Whether `user` may take a step that needs `permission` (None: the submitter's own)."""
    if permission == SYSTEM:
        return False
    if permission is None:
        return user is not None and user.pk is not None and user.pk == suggestion.submitter_id
    if permission == Perm.HANDLE_DISPATCHED:
        return may_handle(user, suggestion)
    return may(user, permission, suggestion.place)


def role_for(user, suggestion, permission):
    """The role recorded for a step."""
    if user is None:
        return "system"
    if permission is None:
        return "submitter"
    return acting_role(user, permission, suggestion.place)


SCOPE_LOOKUPS = {
    "street": "community__street_id",
    "community": "community_id",
    "compound": "compound_id",
    "building": "building_id",
    "grid": "grid_id",
}


def _in_scope(assignment):
    field, pk = assignment.scope_key
    return Q(**{SCOPE_LOOKUPS[field]: pk})


def owned_by_organisations_of(user):
    """Dispatched to an organisation `user` works for, inside that role's scope."""
    query = Q(pk__in=[])
    for a in assignments(user):
        if a.organisation_id and role_has(a.role, Perm.HANDLE_DISPATCHED):
            query |= Q(owner_id=a.organisation_id) & _in_scope(a)
    return query


def in_grids_of(user):
    """In the grids (or other places) where `user` enters paper slips."""
    query = Q(pk__in=[])
    for a in assignments(user):
        if role_has(a.role, Perm.ENTER_SLIPS):
            query |= _in_scope(a)
    return query


def entered_in_scope(user):
    """The paper slips `user` entered, while a role of theirs still lets them enter slips there:
    once the role is revoked, they see nothing through it."""
    query = Q(pk__in=[])
    for a in assignments(user):
        if role_has(a.role, Perm.ENTER_SLIPS):
            query |= _in_scope(a)
            if a.scope_key[0] == "grid":  # a building may lie in several grids
                query |= Q(building__grids=a.scope_key[1])
    return Q(entered_by=user) & query


def visible_to(user):
    """Suggestions `user` may open in full: their own, their scope's as staff, their
    organisation's. Those their own was merged into are not among them (see followed_by)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Suggestion.objects.none()
    if user.is_superuser:
        return Suggestion.objects.all()
    triage = Q(community__in=communities_in_scope(user, Perm.TRIAGE))
    query = Q(submitter=user) | entered_in_scope(user) | triage
    query |= in_grids_of(user) | owned_by_organisations_of(user)
    return Suggestion.objects.filter(query).distinct()


def followed_by(user):
    """The suggestions `user`'s own were merged into: they follow them, seeing what the public
    sees of them (the text masked, public photos only, no submitter's name or home)."""
    if not getattr(user, "is_authenticated", False):
        return Suggestion.objects.none()
    theirs = Suggestion.objects.filter(submitter=user, merged_into__isnull=False)
    return Suggestion.objects.filter(pk__in=theirs.values("merged_into"))


def owner_staff(suggestion):
    """The people who handle `suggestion` for its owner organisation."""
    from roundtable.people.models import RoleAssignment

    held = RoleAssignment.objects.filter(organisation_id=suggestion.owner_id).with_scope()
    around = containing(suggestion.place)
    return {
        a.user
        for a in held.select_related("user")
        if role_has(a.role, Perm.HANDLE_DISPATCHED) and a.scope_key in around
    }
