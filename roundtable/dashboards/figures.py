"""The community page's figures, cached under the community's version (audit/versions.py).

The writes that change them (register imports, admin edits of places, group changes) each record
an event of the community, which moves its version: the next page computes them anew, and no
writer needs to know this cache. Writes that bypass the log (bulk loads) show within the TTL.
"""

from django.core.cache import cache
from django.db.models import Count, Q

from roundtable.people.models import Residency
from roundtable.places.models import Home

TTL_SECONDS = 60


def community_figures(community):
    """Compounds with their building and household counts, the totals and the groups' sizes.

    `community` comes with its `.version` (see `versioned`).
    """
    key = f"community:{community.pk}:figures:{community.version}"
    figures = cache.get(key)
    if figures is None:
        figures = _compute(community)
        cache.set(key, figures, TTL_SECONDS)
    return figures


def _compute(community):
    compounds = community.compounds.annotate(
        building_count=Count("buildings", distinct=True),
        home_count=Count(
            "buildings__units__homes",
            filter=Q(buildings__units__homes__is_parking_space=False),
            distinct=True,
        ),
    )
    residents = Residency.objects.filter(home__unit__building__compound__community=community)
    groups = community.groups.annotate(member_count=Count("members"))
    return {
        "compounds": [
            {"name": c.name, "buildings": c.building_count, "homes": c.home_count}
            for c in compounds
        ],
        "homes": Home.objects.in_community(community).filter(is_parking_space=False).count(),
        "residents": residents.values("user").distinct().count(),
        "grids": community.grids.count(),
        "groups": [{"name": g.name, "members": g.member_count} for g in groups],
    }
