"""Who may take part in which meeting: on top of the one permissions module (people)."""

from django.utils.translation import gettext_lazy as _

from roundtable.people.models import ConstituencyGroup, Residency
from roundtable.people.permissions import Perm, communities_in_scope

# What the meeting page says, and what a refusal says.
FOR_RESIDENTS = _(
    "Residents of the community, people with a role here and members of its constituency groups "
    "may register."
)
FOR_EVERYONE = _(
    "Open to everyone: anyone logged in may register, also people who work here but live elsewhere."
)


def can_register(user, meeting):
    """May `user` register themselves? Anyone logged in, when the meeting is open to all;
    otherwise those who live in its community, hold a role there, or belong to one of its
    constituency groups (where staff list those who work here, such as delivery riders)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if meeting.open_to_all or user.is_superuser:
        return True
    community = meeting.community_id
    lives_here = Residency.objects.filter(
        user=user, home__unit__building__compound__community_id=community
    )
    if lives_here.exists():
        return True
    if communities_in_scope(user, Perm.VIEW_WORKSPACE).filter(pk=community).exists():
        return True
    return ConstituencyGroup.objects.filter(community_id=community, members=user).exists()
