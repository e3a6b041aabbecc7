"""The community home page: what the community is and where to find it."""

from django.shortcuts import get_object_or_404, render

from .figures import community_figures
from .models import Community


def community(request, code):
    community = get_object_or_404(Community.objects.select_related("street"), code=code)
    stations = community.stations.select_related("compound")
    context = {
        "community": community,
        "stations": stations,
        "figures": community_figures(community),
    }
    return render(request, "places/community.html", context)
