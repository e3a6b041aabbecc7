"""Residents' pages: submit a suggestion, follow one's own, rate the result; the public list."""

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roundtable.audit.versions import versioned
from roundtable.common.actions import InvalidTransition
from roundtable.common.http import ELDER_COOKIE
from roundtable.common.idempotency import IdempotencyKeyField
from roundtable.people.models import Role
from roundtable.places.models import Community, Home

from . import actions, intake
from .forms_resident import PublicFilterForm, RatingForm, SuggestionForm
from .models import Channel, Photo, PhotoKind, Status, Step, Suggestion
from .permissions import followed_by, visible_to

MINE_PER_PAGE = 20
PUBLIC_PER_PAGE = 30
OTHER_ROLES = {
    "resident": gettext_lazy("resident"),
    "submitter": gettext_lazy("the resident"),
    "system": gettext_lazy("the system"),
    "superuser": gettext_lazy("administrator"),
}


def role_label(role):
    """The role a step was taken as, in words; never the person."""
    return Role(role).label if role in Role.values else OTHER_ROLES.get(role, _("staff"))


def _community_for(request, homes):
    """The community asked for (?community=code), else the one of the resident's first home."""
    code = request.GET.get("community") or request.POST.get("community")
    theirs = {
        h.unit.building.compound.community.code: h.unit.building.compound.community for h in homes
    }
    if code in theirs or (theirs and not code):
        return theirs.get(code) or homes[0].unit.building.compound.community
    found = Community.objects.filter(code=code).first() if code else None
    if found is None and Community.objects.count() == 1:
        found = Community.objects.first()
    if found is None:
        raise Http404(_("Open the form from your community's page."))
    return found


@login_required
def new(request):
    homes = list(
        Home.objects.filter(residencies__user=request.user).select_related(
            "unit__building__compound__community"
        )
    )
    community = _community_for(request, homes)
    homes = [h for h in homes if h.unit.building.compound.community_id == community.pk]
    sent, refusal = _before_reading(request)
    if sent is not None:  # the same form posted again: its answer was lost, not its suggestion
        messages.success(request, _submitted_message(sent))
        return redirect(sent)
    form = SuggestionForm(
        request.POST or None,
        request.FILES or None,
        community=community,
        homes=homes,
        refusal=refusal,
    )
    if request.method == "POST" and form.is_valid():
        try:
            suggestion = _submit(request.user, community, form)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _submitted_message(suggestion))
            return redirect(suggestion)
    files_lost = request.method == "POST" and bool(request.FILES)
    context = {"form": form, "community": community, "files_lost": files_lost}
    return render(request, "suggestions/resident_new.html", context)


def _before_reading(request):
    """(the suggestion this form's key already made, the hourly limit's refusal), each or None,
    found before the form's photos are decoded."""
    if request.method != "POST":
        return None, None
    key = IdempotencyKeyField().clean(request.POST.get("idempotency_key", ""))
    sent = intake.already_submitted(request.user, key)
    if sent is not None:
        return sent, None
    try:
        intake.check_rate(request.user)
    except ValidationError as error:
        return None, error
    return None, None


def _submit(user, community, form):
    data = form.cleaned_data
    return intake.submit_suggestion(
        community=community,
        text=data["text"],
        channel=Channel.ONLINE,
        by=user,
        submitter=user,
        category=data["category"],
        show_name=data["show_name"],
        photos_public=data["photos_public"],
        photos=data["photos"] or (),
        idempotency_key=data["idempotency_key"],
        **form.place_arguments(),
    )


def _submitted_message(suggestion):
    return _(
        "Thank you. Your suggestion has the reference %(ref)s. The community will look at it "
        "within a working day and tell you who handles it and by when; you will get a message."
    ) % {"ref": suggestion.reference}


@login_required
def mine(request):
    user = request.user
    suggestions = (
        Suggestion.objects.filter(Q(submitter=user) | Q(duplicates__submitter=user))
        .distinct()
        .select_related("owner", "compound", "building", "merged_into")
        .order_by("-submitted_at", "-pk")
    )
    page = Paginator(suggestions, MINE_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "suggestions/resident_mine.html", {"page": page})


def _steps(queryset):
    return Prefetch("steps", queryset=queryset.prefetch_related("photos"))


@login_required
def detail(request, reference):
    visible = visible_to(request.user).select_related(
        "owner", "category", "home__unit__building__compound", "building", "compound", "merged_into"
    )
    suggestion = (
        visible.prefetch_related(_steps(Step.objects.all())).filter(reference=reference).first()
    )
    if suggestion is None:
        return _followed(request, reference)
    is_submitter = suggestion.submitter_id == request.user.pk
    rating_form = None
    if is_submitter and suggestion.status == Status.FOLLOW_UP:
        rating_form = RatingForm()
    return render(request, "suggestions/detail.html", _detail_context(suggestion, rating_form))


def _followed(request, reference):
    """A suggestion the person's own was merged into: shown as its public page shows it."""
    found = get_object_or_404(
        followed_by(request.user).select_related("community"), reference=reference
    )
    among = followed_by(request.user).filter(community=found.community)
    body = _public_detail_body(found.community, reference, among=among)
    context = {"community": found.community, "reference": reference, "body": body, "followed": True}
    return render(request, "suggestions/public_detail.html", context)


def _detail_context(suggestion, rating_form):
    steps = list(suggestion.steps.all())
    for step in steps:
        step.role_label = role_label(step.role)
    photos = [p for step in steps for p in step.photos.all() if p.kind != "slip"]
    return {
        "suggestion": suggestion,
        "steps": steps,
        "photos": [p for p in photos if p.kind == "submission"],
        "rating_form": rating_form,
        "Status": Status,
    }


@login_required
@require_POST
def rate(request, reference):
    suggestion = get_object_or_404(visible_to(request.user), reference=reference)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            actions.rate(
                suggestion,
                by=request.user,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except InvalidTransition as error:
            messages.error(request, actions.refusal(error))
            return redirect(suggestion)
        suggestion.refresh_from_db()
        messages.success(request, _rated_message(suggestion))
        return redirect(suggestion)
    suggestion = get_object_or_404(
        visible_to(request.user).prefetch_related(_steps(Step.objects.all())), pk=suggestion.pk
    )
    return render(request, "suggestions/detail.html", _detail_context(suggestion, form))


def _rated_message(suggestion):
    if suggestion.status == Status.CLOSED:
        return _("Thank you for your rating. The suggestion is now completed.")
    return _(
        "Thank you. As you are not satisfied, the suggestion has been reopened and will be "
        "handled again."
    )


def photo(request, reference, pk, thumbnail=False):
    """A photo, served only to those who may see it: public ones of public items to anyone."""
    found = get_object_or_404(
        Photo.objects.select_related("suggestion"), pk=pk, suggestion__reference=reference
    )
    public = found.public and Suggestion.objects.public().filter(pk=found.suggestion_id).exists()
    if not public and not _may_see_photo(request.user, found):
        raise Http404
    response = FileResponse(
        (found.thumbnail if thumbnail else found.image).open("rb"), content_type="image/jpeg"
    )
    response["Cache-Control"] = "public, max-age=3600" if public else "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _may_see_photo(user, found):
    """Those who may open the suggestion see its photos; those following it as the public does
    (their own merged into it) see its public ones only."""
    if visible_to(user).filter(pk=found.suggestion_id).exists():
        return True
    shown = found.public and found.kind != PhotoKind.SLIP
    return shown and followed_by(user).filter(pk=found.suggestion_id).exists()


def _versioned_community(code):
    """The community `code` with its version (audit/versions.py), in one query; 404 if none."""
    return get_object_or_404(versioned(Community.objects.all()), code=code)


def public_list(request, code):
    community = _versioned_community(code)
    body = _cached_body(
        request,
        community,
        "list",
        request.GET.urlencode(),
        lambda: _public_list_body(request, community),
    )
    return render(request, "suggestions/public_list.html", {"community": community, "body": body})


def _public_list_body(request, community):
    compounds = list(community.compounds.order_by("name"))
    statuses = [
        (s.value, s.label)
        for s in Status
        if s not in (Status.SUBMITTED, Status.INVALID, Status.MERGED)
    ]
    form = PublicFilterForm(request.GET or None, statuses=statuses, compounds=compounds)
    items = _public(community).select_related("category", "compound")
    if form.is_valid():
        if form.cleaned_data["status"]:
            items = items.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["compound"]:
            items = items.filter(compound_id=form.cleaned_data["compound"])
    items = items.prefetch_related(
        Prefetch("photos", queryset=Photo.objects.filter(public=True), to_attr="public_photos")
    ).order_by("-submitted_at", "-pk")
    page = Paginator(items, PUBLIC_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"community": community, "form": form, "page": page, "query": query.urlencode()}
    return render_to_string("suggestions/_public_list.html", context)


def _public(community):
    return Suggestion.objects.public().filter(community=community).select_related("submitter")


def public_detail(request, code, reference):
    community = _versioned_community(code)
    body = _cached_body(
        request, community, "detail", reference, lambda: _public_detail_body(community, reference)
    )
    context = {"community": community, "reference": reference, "body": body}
    return render(request, "suggestions/public_detail.html", context)


def _public_detail_body(community, reference, among=None):
    """The public page's content; `among`: where to find the suggestion, if not in the public
    list (one a person follows because theirs was merged into it)."""
    public_photos = Photo.objects.filter(public=True)
    found_in = _public(community) if among is None else among.select_related("submitter")
    suggestion = get_object_or_404(
        found_in.select_related("category", "compound", "building", "owner").prefetch_related(
            Prefetch("photos", queryset=public_photos, to_attr="public_photos"),
            Prefetch(
                "steps",
                queryset=Step.objects.prefetch_related(
                    Prefetch("photos", queryset=public_photos, to_attr="public_photos")
                ),
            ),
        ),
        reference=reference,
    )
    steps = list(suggestion.steps.all())
    for step in steps:
        step.role_label = role_label(step.role)
    context = {"community": community, "suggestion": suggestion, "steps": steps, "public": True}
    return render_to_string("suggestions/_public_detail.html", context)


# The public pages' content is cached, keyed by the community's version: the newest audit event
# of the community and the newest of no community (organisations, people). Every change that
# shows there is recorded in the audit log in its own transaction, so a new event, hence a new
# key, is visible as soon as the change is: a stale page is never served, by any process, and
# no cache has to be told anything. The header (login state, CSRF tokens, messages) is rendered
# per request around it. The timeout only frees memory.
PUBLIC_CACHE_SECONDS = 600


def _cached_body(request, community, page, variant, render_body):
    """The page's content from the cache, or rendered by `render_body` and kept."""
    elder = request.COOKIES.get(ELDER_COOKIE) == "1"
    digest = hashlib.sha256(variant.encode()).hexdigest()[:32]
    key = (
        f"public:{page}:{community.pk}:{community.version}:{community.version_elsewhere}:"
        f"{get_language()}:{int(elder)}:{digest}"
    )
    body = cache.get(key)
    if body is None:
        body = render_body()
        cache.set(key, body, PUBLIC_CACHE_SECONDS)
    return mark_safe(body)  # rendered by our own templates, which escape what they show
