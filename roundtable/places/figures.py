"""The community page's figures, computed once and cached: they change only on imports and edits."""

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q

from roundtable.people.models import Residency

from .models import Home

TTL_SECONDS = 60


def _key(community_id):
    # A generation number in the key lets one increment retire every community's figures.
    generation = cache.get_or_set("figures:generation", 1, None)
    return f"community:{community_id}:figures:{generation}"


def community_figures(community):
    """Compounds with their building and household counts, the totals and the groups' sizes."""
    figures = cache.get(_key(community.pk))
    if figures is None:
        figures = _compute(community)
        cache.set(_key(community.pk), figures, TTL_SECONDS)
    return figures


def forget_figures():
    """Retire the cached figures once the surrounding transaction commits."""
    transaction.on_commit(_next_generation)


def _next_generation():
    try:
        cache.incr("figures:generation")
    except ValueError:
        cache.set("figures:generation", 2, None)


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
