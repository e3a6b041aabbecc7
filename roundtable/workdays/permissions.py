"""Who may edit the working-day calendar: one calendar for the whole deployment."""

from roundtable.people.permissions import Perm, assignments, may_anywhere, role_has


def can_edit_calendar(user):
    """Superusers and whoever may edit places somewhere (community workers)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or may_anywhere(user, Perm.MANAGE_PLACES)


def editor_role(user):
    """The role under which `user` edits the calendar, for the audit log."""
    if user.is_superuser:
        return "superuser"
    roles = sorted(a.role for a in assignments(user) if role_has(a.role, Perm.MANAGE_PLACES))
    return roles[0] if roles else ""
