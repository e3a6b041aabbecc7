"""A community's version: its newest audit event, and the newest event of no community (people,
organisations). Every change a page shows is recorded in the log in its own transaction, so a page
cached under the version is never served stale, by any process, and no cache is told anything.
"""

from django.db.models import OuterRef, Subquery

from .models import Event


def versioned(communities):
    """`communities`, a queryset of Community, with `.version` and `.version_elsewhere`: the ids
    of each one's newest event and of the newest event of no community (None while there is none).

    Annotated in the query that reads the communities, so a cached page asks nothing else.
    """
    return communities.annotate(
        version=newest_event(OuterRef("pk")), version_elsewhere=_newest(community=None)
    )


def newest_event(community):
    """The id of the community's newest event (an expression; `community` may be an OuterRef)."""
    return _newest(community=community)


def _newest(**where):
    return Subquery(Event.objects.filter(**where).order_by("-id").values("id")[:1])
