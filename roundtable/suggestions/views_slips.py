"""Grid workers: enter paper slips fast, and the queue of their grids."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from roundtable.common.idempotency import IdempotencyKeyField
from roundtable.people.models import Residency
from roundtable.people.permissions import Perm, communities_in_scope, homes_in_scope
from roundtable.people.phones import is_mobile

from .duplicates import likely_duplicates
from .forms_staff import SlipForm
from .intake import already_submitted, submit_suggestion
from .models import FINAL, Suggestion
from .permissions import in_grids_of
from .views_handling import PER_PAGE, overdue_first


def _home(homes, where):
    """The one home that "J5 1栋 301" names (the last word is the room)."""
    words = where.replace("，", " ").replace(",", " ").split()
    found = homes.filter(room=words[-1])
    for word in words[:-1]:
        found = found.filter(
            Q(unit__building__name=word)
            | Q(unit__building__compound__name=word)
            | Q(unit__name=word)
        )
    found = list(found.select_related("unit__building__compound__community")[:2])
    if len(found) != 1:
        raise ValidationError(_("No single home of yours matches “%(where)s”.") % {"where": where})
    return found[0]


def find_resident(user, where, phone, *, anonymous=False):
    """(submitter or None, home or None) from the room and/or the mobile number's digits."""
    homes = homes_in_scope(user, Perm.ENTER_SLIPS)
    home = _home(homes, where) if where else None
    if anonymous:
        return None, home
    living = Residency.objects.filter(home__in=[home] if home else homes)
    if is_mobile(phone):
        living = living.filter(user__phone=phone)
    elif phone:
        # An ending only where the person may see phones: elsewhere numbers are masked, and
        # trying ending after ending would unmask one a digit at a time.
        seen = homes_in_scope(user, Perm.SEE_PHONE).values("pk")
        living = living.filter(user__phone__endswith=phone, home__in=seen)
    people = list(living.select_related("user", "home__unit__building__compound__community")[:2])
    if phone and len(people) != 1:
        message = (
            _("No resident here has a mobile number ending in %(digits)s.")
            if not people
            else _("Several residents match %(digits)s; give the room too.")
        )
        raise ValidationError(message % {"digits": phone})
    if len(people) == 1:
        return people[0].user, people[0].home
    return None, home


def _save(request, form, communities):
    data = form.cleaned_data
    submitter, home = find_resident(
        request.user, data["where"].strip(), data["phone"].strip(), anonymous=data["anonymous"]
    )
    community = home.unit.building.compound.community if home else communities.first()
    return submit_suggestion(
        community=community,
        text=data["text"],
        channel=data["channel"],
        by=request.user,
        submitter=submitter,
        home=home,
        station=data["station"],
        slip_photo=(data["photo"] or [None])[0],
        idempotency_key=data["idempotency_key"],
    )


@login_required
def slip(request):
    """Enter one paper slip; the form comes back empty, with the reference and any duplicates."""
    communities = communities_in_scope(request.user, Perm.ENTER_SLIPS)
    if not communities.exists():
        raise PermissionDenied(_("You may not enter paper slips."))
    sent = _sent_before(request)
    if sent is not None:  # the same slip posted again: its answer was lost, not the slip
        _tell(request, sent)
        return redirect("suggestions:slip")
    form = SlipForm(communities, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            suggestion = _save(request, form, communities)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _tell(request, suggestion)
            return redirect("suggestions:slip")
    status = 400 if form.errors else 200
    return render(request, "suggestions/slip_form.html", {"form": form}, status=status)


def _sent_before(request):
    """The suggestion this form's key already made, found before its photo is decoded."""
    if request.method != "POST":
        return None
    key = IdempotencyKeyField().clean(request.POST.get("idempotency_key", ""))
    return already_submitted(request.user, key)


def _tell(request, suggestion):
    messages.success(request, _("Saved as %(ref)s.") % {"ref": suggestion.reference})
    duplicates = likely_duplicates(suggestion, only_duplicates=True)
    if duplicates:
        listed = "; ".join(
            f"{d['suggestion'].reference} ({d['percent']}%) {d['suggestion'].text[:30]}"
            for d in duplicates
        )
        messages.warning(request, _("Likely duplicates: %(list)s") % {"list": listed})


@login_required
def grid_queue(request):
    """The open suggestions in the worker's grids, overdue first."""
    if not communities_in_scope(request.user, Perm.ENTER_SLIPS).exists():
        raise PermissionDenied(_("You may not see a grid's suggestions."))
    mine = Suggestion.objects.filter(in_grids_of(request.user)).exclude(status__in=FINAL)
    found = overdue_first(mine.select_related("category", "compound", "building", "owner"))
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "suggestions/queue_grid.html", {"page": page})
