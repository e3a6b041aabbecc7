"""Community workers' triage board and the staff page of one suggestion: triage and decisions."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roundtable.people.permissions import Perm, communities_in_scope, may, require

from . import actions, forms_staff
from .duplicates import likely_duplicates
from .filters import FilterForm, filter_suggestions
from .models import Status, Suggestion
from .permissions import visible_to
from .views_staff import run_action

PER_PAGE = 50


def _community(request):
    communities = communities_in_scope(request.user, Perm.TRIAGE)
    code = request.GET.get("community")
    community = communities.filter(code=code).first() if code else communities.first()
    if community is None:
        raise PermissionDenied(_("You may not triage suggestions."))
    return community, communities


@login_required
def board(request):
    """The community's suggestions, submitted ones first, filtered, 50 a page, counted by status."""
    community, communities = _community(request)
    mine = visible_to(request.user).filter(community=community)
    form = FilterForm(request.GET or None, community=community)
    found, values = filter_suggestions(mine, request.GET, form=form)
    found = found.annotate(
        waiting=Case(
            When(status=Status.SUBMITTED, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("waiting", "-submitted_at")
    found = found.select_related("category", "compound", "building", "owner")
    counts = dict(
        Suggestion.objects.filter(community=community).values_list("status").annotate(n=Count("id"))
    )
    context = {
        "community": community,
        "communities": communities,
        "form": form,
        "values": values,
        "page": Paginator(found, PER_PAGE).get_page(request.GET.get("page")),
        "counts": [(s, counts.get(s.value, 0)) for s in Status],
        "query": request.GET.copy(),
    }
    context["query"].pop("page", None)
    return render(request, "suggestions/triage_board.html", context)


def _merge(suggestion, by, data):
    into = Suggestion.objects.filter(
        community=suggestion.community_id, reference=data["into"].strip()
    ).first()
    if into is None:
        raise ValidationError(_("No suggestion of this community has that reference."))
    return actions.merge(suggestion, by=by, into=into)


# action → (form class, the call, the success message)
TRIAGE_ACTIONS = {
    "dispatch": (
        forms_staff.DispatchForm,
        lambda s, by, d: actions.dispatch(
            s, by=by, owner=d["owner"], category=d["category"], urgent=d["urgent"], note=d["note"]
        ),
        gettext_lazy("Dispatched to %(owner)s."),
    ),
    "reject": (
        forms_staff.RejectForm,
        lambda s, by, d: actions.reject(s, by=by, reason=d["reason"]),
        gettext_lazy("Marked as not accepted; the resident is told why."),
    ),
    "answer": (
        forms_staff.AnswerForm,
        lambda s, by, d: actions.answer(s, by=by, text=d["text"]),
        gettext_lazy("Answered; the resident is asked to rate it."),
    ),
    "merge": (
        forms_staff.MergeForm,
        _merge,
        gettext_lazy("Merged; its submitter now follows the other one."),
    ),
    "approve_response": (
        forms_staff.NoteForm,
        lambda s, by, d: actions.approve_response(s, by=by, note=d["note"]),
        gettext_lazy("Response approved; the resident is asked to rate it."),
    ),
    "send_back": (
        forms_staff.SendBackForm,
        lambda s, by, d: actions.send_back(s, by=by, note=d["note"]),
        gettext_lazy("Sent back to the organisation."),
    ),
    "decide_extension": (
        forms_staff.DecisionForm,
        lambda s, by, d: actions.decide_extension(s, by=by, approve=d["approve"], note=d["note"]),
        gettext_lazy("The extension is decided."),
    ),
    "decide_termination": (
        forms_staff.DecisionForm,
        lambda s, by, d: actions.decide_termination(s, by=by, approve=d["approve"], note=d["note"]),
        gettext_lazy("The termination is decided."),
    ),
    "elevate": (
        forms_staff.NoteForm,
        lambda s, by, d: actions.elevate(s, by=by, note=d["note"]),
        gettext_lazy("Sent to deliberation: it is now an agenda candidate."),
    ),
    "resume": (
        forms_staff.NoteForm,
        lambda s, by, d: actions.resume(s, by=by, note=d["note"]),
        gettext_lazy("Handling resumed."),
    ),
}


def _form(name, suggestion, data=None):
    form_class = TRIAGE_ACTIONS[name][0]
    if form_class is forms_staff.DispatchForm:
        return form_class(suggestion, data, prefix=name)
    return form_class(data, prefix=name)


@login_required
def item(request, reference):
    """Triage one suggestion (dispatch, reject, answer, merge) or decide on it later on."""
    suggestion = get_object_or_404(
        visible_to(request.user).select_related("community", "building", "compound", "home"),
        reference=reference,
    )
    require(may(request.user, Perm.TRIAGE, suggestion.place))
    forms = {name: _form(name, suggestion) for name in TRIAGE_ACTIONS}
    name, status = request.POST.get("action"), 200
    if request.method == "POST" and name in TRIAGE_ACTIONS:
        forms[name] = form = _form(name, suggestion, request.POST)
        call, success = TRIAGE_ACTIONS[name][1:]
        if run_action(request, form, lambda d: call(suggestion, request.user, d), success):
            return redirect("suggestions:triage_item", reference=suggestion.reference)
        status = 400
    context = {
        "s": suggestion,
        "forms": forms,
        "photos": suggestion.photos.all(),
        "duplicates": likely_duplicates(suggestion)
        if suggestion.status == Status.SUBMITTED
        else [],
    }
    return render(request, "suggestions/triage_item.html", context, status=status)
