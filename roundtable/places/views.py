"""The community home page: what the community is and where to find it."""

from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from roundtable.people.models import Residency

from .models import Community, Home


def community(request, code):
    community = get_object_or_404(Community.objects.select_related("street"), code=code)
    compounds = community.compounds.annotate(
        building_count=Count("buildings", distinct=True),
        home_count=Count("buildings__units__homes", distinct=True),
    )
    stations = community.stations.select_related("compound")
    stats = {
        "homes": Home.objects.in_community(community).count(),
        "residents": Residency.objects.filter(home__unit__building__compound__community=community)
        .values("user")
        .distinct()
        .count(),
        "grids": community.grids.count(),
    }
    groups = community.groups.annotate(member_count=Count("members"))
    return render(
        request,
        "places/community.html",
        {
            "community": community,
            "compounds": compounds,
            "stations": stations,
            "stats": stats,
            "groups": groups,
        },
    )
