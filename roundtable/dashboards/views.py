"""The community's page, its figures (public, masked) with the list behind every number, and .xlsx
exports."""

import re
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from roundtable.audit.versions import versioned
from roundtable.people.models import Organisation
from roundtable.people.permissions import Perm, communities_in_scope, may
from roundtable.places.models import Community, Compound, Grid
from roundtable.suggestions import metrics
from roundtable.suggestions.export import export_xlsx, filter_by_params
from roundtable.suggestions.models import Category, Channel, Status, Suggestion

from .figures import community_figures

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
ITEMS_PER_PAGE = 500
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The breakdown tables of the figures page, in this order.
BREAKDOWNS = ("compound", "grid", "category", "channel", "owner", "month")


def _period(params):
    since, until = params.get("from", ""), params.get("to", "")
    return (since if MONTH.match(since) else ""), (until if MONTH.match(until) else "")


def _cell(params):
    """The breakdown cell a list is limited to: (dimension, key) or (None, None)."""
    by, key = params.get("by", ""), params.get("key", "")
    valid = {
        "month": MONTH.match(key),
        "channel": key in Channel.values,
    }.get(by, key == "" or key.isdigit())
    if by not in metrics.DIMENSIONS or not valid:
        return None, None
    return by, key


def _suggestions(community, params):
    since, until = _period(params)
    by, key = _cell(params)
    query = Q(community=community) & metrics.period_filter(since, until)
    if by:
        query &= metrics.cell_filter(by, key)
    return Suggestion.objects.filter(query)


def _cell_label(by, key):
    """The name of a breakdown group, as the figures page shows it."""
    dimension = metrics.DIMENSIONS[by]
    if key == "":
        return dimension.none_label
    if by == "month":
        return key
    if by == "channel":
        return Channel(key).label
    model = {"compound": Compound, "grid": Grid, "owner": Organisation, "category": Category}[by]
    found = model.objects.filter(pk=key).values_list("name", flat=True).first()
    return found or key


def _duration(value):
    hours = Decimal(value.total_seconds()) / 3600
    if hours < 48:
        return _("%(n)s hours") % {"n": hours.quantize(Decimal("0.1"), ROUND_HALF_UP)}
    return _("%(n)s days") % {"n": (hours / 24).quantize(Decimal("0.1"), ROUND_HALF_UP)}


class Linker:
    """Writes metrics' values as HTML, each number a link to the list behind it.

    Written here rather than by template includes: a figures page shows about a thousand numbers.
    """

    def __init__(self, community, params):
        self.url = reverse("dashboards:behind", args=[community.code, "-"])[:-2]
        self.base = {k: v for k, v in zip(("from", "to"), _period(params), strict=True) if v}
        self._queries = {}
        self._labels = {}

    def href(self, name, cell=None):
        """The list behind count `name`, limited to a breakdown cell; escaped for HTML."""
        return f"{self.url}{name}/{self._query(cell)}"

    def _query(self, cell):
        # Encoded once per cell, not once per number.
        if cell not in self._queries:
            query = {**self.base, **({"by": cell[0], "key": cell[1]} if cell else {})}
            self._queries[cell] = escape(f"?{urlencode(query)}") if query else ""
        return self._queries[cell]

    def html(self, metric, value, cell=None):
        """A count or a mean as one link; a rate as its terms and denominator, each a link."""
        if isinstance(metric, metrics.Total):
            return mark_safe(self._number(value, metric.name, cell, alone=True))
        if isinstance(metric, metrics.Mean):
            text = "—" if value is None else escape(_duration(value))
            return mark_safe(self._number(text, metric.over, cell, alone=True))
        top = " + ".join(
            ("" if weight == "1" else f"{weight} × ") + self._number(n, name, cell)
            for weight, name, n in value.terms
        )
        if value.weighted:
            top = f"({top})"
        below = self._number(value.denominator, value.ratio.denominator, cell)
        shown = "—" if value.percent is None else f"{value.percent}%"
        return mark_safe(f"{top} / {below} = {shown}")

    def _number(self, text, name, cell, alone=False):
        attributes = ' class="num"' if alone else ""
        return f'<a href="{self.href(name, cell)}"{attributes}>{text}</a>'

    def cells(self, dimension, row):
        """A breakdown row's cells, each labelled for the phone layout."""
        cell = (dimension, row.key)
        return mark_safe(
            "".join(
                f'<td data-label="{self._label(m)}">{self.html(m, v, cell)}</td>'
                for m, v in row.figures.shown()
            )
        )

    def _label(self, metric):
        if metric.name not in self._labels:
            self._labels[metric.name] = escape(str(metric.label))  # once, not lazily per cell
        return self._labels[metric.name]


def community(request, code):
    """Public: what the community is, where to hand in a suggestion, and its groups."""
    communities = versioned(Community.objects.select_related("street"))
    community = get_object_or_404(communities, code=code)
    context = {
        "community": community,
        "stations": community.stations.select_related("compound"),
        "figures": community_figures(community),
    }
    return render(request, "dashboards/community.html", context)


def figures(request, code):
    """Public: the headline metrics with their definitions, and breakdown tables."""
    community = get_object_or_404(Community, code=code)
    since, until = _period(request.GET)
    linker = Linker(community, request.GET)
    headline = [(m, linker.html(m, v)) for m, v in metrics.figures(community, since, until).shown()]
    tables = metrics.breakdowns(community, since, until, names=BREAKDOWNS)
    breakdowns = [
        (metrics.DIMENSIONS[name], [(row, linker.cells(name, row)) for row in tables[name]])
        for name in BREAKDOWNS
    ]
    context = {
        "community": community,
        "headline": headline,
        "columns": [metrics.METRICS[n] for n in metrics.HEADLINE],
        "breakdowns": breakdowns,
        "since": since,
        "until": until,
        "may_export": may(request.user, Perm.VIEW_METRICS, community),
    }
    return render(request, "dashboards/figures.html", context)


def behind(request, code, metric):
    """Public: exactly the suggestions behind one number (reference, date, category, place)."""
    community = get_object_or_404(Community, code=code)
    chosen = metrics.METRICS.get(metric)
    if chosen is None:
        raise Http404
    listed = _suggestions(community, request.GET).filter(chosen.filter)
    listed = listed.select_related("category", "compound").order_by("-submitted_at", "-pk")
    page = Paginator(listed, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    by, key = _cell(request.GET)
    since, until = _period(request.GET)
    context = {
        "community": community,
        "metric": chosen,
        "page": page,
        "dimension": metrics.DIMENSIONS.get(by),
        "cell": _cell_label(by, key) if by else "",
        # Only triaged, valid suggestions have a public page.
        "public_statuses": set(Status) - {Status.SUBMITTED, Status.INVALID, Status.MERGED},
        "since": since,
        "until": until,
        "query": request.GET.urlencode(),
        "may_export": may(request.user, Perm.VIEW_METRICS, community),
    }
    return render(request, "dashboards/behind.html", context)


def _scoped(user, community):
    """The community's suggestions `user` may export: all of them, or those of their grids and
    compounds (a grid worker's grid, a compound's party secretary's compound)."""
    if may(user, Perm.VIEW_METRICS, community):
        return Suggestion.objects.filter(community=community)
    grids = [g.pk for g in community.grids.all() if may(user, Perm.VIEW_METRICS, g)]
    compounds = [c.pk for c in community.compounds.all() if may(user, Perm.VIEW_METRICS, c)]
    if not grids and not compounds:
        raise PermissionDenied(_("You may not export suggestions."))
    theirs = Q(grid__in=grids) | Q(compound__in=compounds)
    return Suggestion.objects.filter(theirs, community=community)


def _xlsx(content, name):
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


def _filtered(queryset, params):
    try:  # the triage board's filters, once roundtable/suggestions/filters.py exists
        from roundtable.suggestions.filters import filter_suggestions
    except ImportError:
        return filter_by_params(queryset, params)
    return filter_suggestions(queryset, params)[0]


@login_required
def export(request):
    """Staff: the triage board's filtered list as .xlsx."""
    communities = communities_in_scope(request.user, Perm.VIEW_METRICS)
    code = request.GET.get("community")
    community = communities.filter(code=code).first() if code else communities.first()
    if community is None:
        raise PermissionDenied(_("You may not export suggestions."))
    listed = _filtered(_scoped(request.user, community), request.GET)
    masked = not may(request.user, Perm.SEE_PHONE, community)
    return _xlsx(
        export_xlsx(listed.order_by("submitted_at", "pk"), masked=masked),
        f"suggestions-{community.code}",
    )


@login_required
def behind_export(request, code, metric):
    """Staff: the list behind one number as .xlsx."""
    community = get_object_or_404(Community, code=code)
    chosen = metrics.METRICS.get(metric)
    if chosen is None:
        raise Http404
    scoped = _scoped(request.user, community)
    listed = _suggestions(community, request.GET).filter(chosen.filter, pk__in=scoped.values("pk"))
    masked = not may(request.user, Perm.SEE_PHONE, community)
    content = export_xlsx(listed.order_by("submitted_at", "pk"), masked=masked)
    return _xlsx(content, f"{community.code}-{metric}")
