"""Property and other organisations' staff: their queue and the handling page of one suggestion."""

from datetime import datetime, time

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roundtable.people.permissions import Perm, may_anywhere, require

from . import actions, forms_staff
from .filters import overdue_q
from .intake import _attach
from .models import FINAL, PhotoKind, Status, Suggestion
from .permissions import may_handle, owned_by_organisations_of, visible_to
from .views_staff import run_action

PER_PAGE = 50


def overdue_first(queryset):
    """Overdue first, then by the nearest deadline."""
    return queryset.annotate(
        late=Case(When(overdue_q(), then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("late", "resolve_by", "accept_by", "submitted_at")


@login_required
def queue(request):
    """What was dispatched to the person's organisations, within their scope, still open."""
    if not may_anywhere(request.user, Perm.HANDLE_DISPATCHED):
        raise PermissionDenied(_("You may not handle dispatched suggestions."))
    mine = Suggestion.objects.filter(owned_by_organisations_of(request.user)).exclude(
        status__in=FINAL
    )
    found = overdue_first(mine.select_related("category", "compound", "building", "owner"))
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "suggestions/queue_list.html", {"page": page, "now": timezone.now()})


def _respond(suggestion, by, data):
    with transaction.atomic():
        step = actions.respond(suggestion, by=by, result=data["result"])
        _attach(suggestion, step, data["photos"], PhotoKind.RESULT, public=True)
    return step


# action → (form class, the call, the success message)
HANDLING_ACTIONS = {
    "accept": (
        forms_staff.NoteForm,
        lambda s, by, d: actions.accept(s, by=by),
        gettext_lazy("Accepted. Contact the requester next."),
    ),
    "return": (
        forms_staff.ReasonForm,
        lambda s, by, d: actions.return_suggestion(s, by=by, reason=d["reason"]),
        gettext_lazy("Returned to the community."),
    ),
    "contact": (
        forms_staff.NoteForm,
        lambda s, by, d: actions.contact(s, by=by, note=d["note"]),
        gettext_lazy("Recorded: the requester was contacted."),
    ),
    "request_extension": (
        forms_staff.ExtensionForm,
        lambda s, by, d: actions.request_extension(
            s, by=by, until=_end_of(d["until"]), reason=d["reason"]
        ),
        gettext_lazy("Extension requested; the community decides."),
    ),
    "respond": (forms_staff.RespondForm, _respond, gettext_lazy("Response sent for review.")),
    "request_termination": (
        forms_staff.ReasonForm,
        lambda s, by, d: actions.request_termination(s, by=by, reason=d["reason"]),
        gettext_lazy("Termination requested; the community decides."),
    ),
}


def _end_of(day):
    return timezone.make_aware(datetime.combine(day, time(18, 0)))


@login_required
def handle(request, reference):
    """Accept, return, contact, ask for more time, respond or ask to end one suggestion."""
    suggestion = get_object_or_404(
        visible_to(request.user).select_related("submitter", "home", "building", "compound"),
        reference=reference,
    )
    require(may_handle(request.user, suggestion))
    forms = {name: spec[0](prefix=name) for name, spec in HANDLING_ACTIONS.items()}
    name, status = request.POST.get("action"), 200
    if request.method == "POST" and name in HANDLING_ACTIONS:
        form_class, call, success = HANDLING_ACTIONS[name]
        forms[name] = form = form_class(request.POST, request.FILES, prefix=name)
        if run_action(request, form, lambda d: call(suggestion, request.user, d), success):
            return redirect("suggestions:handle", reference=suggestion.reference)
        status = 400
    accepted = suggestion.accepted_at is not None and suggestion.status != Status.DISPATCHED
    context = {
        "s": suggestion,
        "forms": forms,
        "photos": suggestion.photos.all(),
        "show_phone": accepted,
    }
    return render(request, "suggestions/handle_item.html", context, status=status)
