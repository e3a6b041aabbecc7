"""Login, profile, consent, personal-data export and the staff workspace."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from roundtable.audit.log import record
from roundtable.common.http import safe_next
from roundtable.common.masking import mask_phone

from . import actions
from .forms import BirthYearForm, CodeLoginForm, PasswordLoginForm, SendCodeForm
from .login_codes import LoginRefused, check_login_code, send_login_code
from .models import Residency, RoleAssignment
from .permissions import Perm, communities_in_scope, homes_in_scope, may_anywhere
from .phones import is_mobile, normalize_phone
from .throttle import client_ip


def _login_context(request, **forms):
    phone = request.session.get("login_phone", "")
    context = {
        "code_form": CodeLoginForm(initial={"phone": phone}),
        "send_form": SendCodeForm(initial={"phone": phone}),
        "password_form": PasswordLoginForm(),
        "next": safe_next(request, ""),
        "code_sent_to": mask_phone(phone) if phone else "",
        "code_minutes": settings.LOGIN_CODE_TTL_SECONDS // 60,
    }
    context.update(forms)
    return context


@require_GET
def login_page(request):
    if request.user.is_authenticated:
        return redirect(safe_next(request, "/me/"))
    return render(request, "people/login.html", _login_context(request))


@require_POST
def send_code(request):
    form = SendCodeForm(request.POST)
    if form.is_valid():
        try:
            phone = send_login_code(form.cleaned_data["phone"], ip=client_ip(request))
        except LoginRefused as refusal:
            form.add_error("phone", str(refusal))
        else:
            request.session["login_phone"] = phone
            next_url = safe_next(request, "")
            query = f"?{urlencode({'next': next_url})}" if next_url else ""
            return redirect(reverse("people:login") + query)
    code_form = CodeLoginForm(initial={"phone": request.POST.get("phone", "")})
    return render(
        request,
        "people/login.html",
        _login_context(request, send_form=form, code_form=code_form, send_errors=form.errors),
        status=400,
    )


@require_POST
def code_login(request):
    form = CodeLoginForm(request.POST)
    if form.is_valid():
        try:
            user = check_login_code(form.cleaned_data["phone"], form.cleaned_data["code"])
        except LoginRefused as refusal:
            form.add_error("code", str(refusal))
        else:
            actions.log_in(request, user, method="code")
            request.session.pop("login_phone", None)
            return redirect(safe_next(request, "/me/"))
    return render(request, "people/login.html", _login_context(request, code_form=form), status=400)


@require_POST
def password_login(request):
    form = PasswordLoginForm(request, request.POST)
    if form.is_valid():
        actions.log_in(request, form.user, method="password")
        return redirect(safe_next(request, "/me/"))
    context = _login_context(request, password_form=form, password_open=True)
    return render(request, "people/login.html", context, status=400)


@require_POST
def logout_view(request):
    logout(request)
    return redirect("home")


@login_required
def profile(request):
    return _profile(request, BirthYearForm(initial={"birth_year": request.user.birth_year}))


def _profile(request, birth_form, status=200):
    user = request.user
    residencies = user.residencies.select_related("home__unit__building__compound__community")
    groups = user.constituency_groups.select_related("community")
    roles = RoleAssignment.objects.filter(user=user).with_scope()
    consent = user.privacy_consents.filter(withdrawn_at=None).first()
    return render(
        request,
        "people/profile.html",
        {
            "residencies": residencies,
            "groups": groups,
            "roles": roles,
            "consent": consent,
            "consent_current": actions.has_current_consent(user),
            "notice_version": settings.PRIVACY_NOTICE_VERSION,
            "birth_form": birth_form,
        },
        status=status,
    )


@login_required
@require_POST
def birth_year(request):
    form = BirthYearForm(request.POST)
    if not form.is_valid():
        return _profile(request, form, status=400)
    year = form.cleaned_data["birth_year"]
    actions.set_birth_year(request.user, year, by=request.user)
    messages.success(
        request,
        _("Your year of birth was saved.") if year else _("Your year of birth was removed."),
    )
    return redirect("people:profile")


@login_required
@require_POST
def consent(request):
    if request.POST.get("decision") == "withdraw":
        actions.withdraw_privacy_consent(request.user)
        messages.success(request, _("Your consent was withdrawn."))
    else:
        actions.accept_privacy_notice(request.user)
        messages.success(request, _("Thank you. Your consent was recorded."))
    return redirect(safe_next(request, "/me/"))


@login_required
def password(request):
    """Set a password (staff who first logged in by code) or change it."""
    form_class = PasswordChangeForm if request.user.has_usable_password() else SetPasswordForm
    form = form_class(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        record(user, "password.set", by=user, role="self")
        messages.success(request, _("Your password was saved."))
        return redirect("people:profile")
    return render(
        request, "people/password.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
def export_data(request):
    """The person's own data as a JSON download."""
    data = json.dumps(actions.personal_data(request.user), ensure_ascii=False, indent=2)
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="roundtable-my-data.json"'
    return response


@login_required
def workspace(request):
    """What the person's roles let them do, place by place."""
    if not may_anywhere(request.user, Perm.VIEW_WORKSPACE):
        return render(request, "people/no_workspace.html", status=403)
    roles = RoleAssignment.objects.filter(user=request.user).with_scope()
    homes = homes_in_scope(request.user, Perm.VIEW_REGISTER)
    communities = communities_in_scope(request.user, Perm.VIEW_WORKSPACE).annotate(
        compound_count=Count("compounds", distinct=True)
    )
    return render(
        request,
        "people/workspace.html",
        {
            "roles": roles,
            "communities": communities,
            "register_homes": homes.count(),
            "may_register": may_anywhere(request.user, Perm.VIEW_REGISTER),
            "may_import": may_anywhere(request.user, Perm.IMPORT_REGISTER),
            "may_roles": may_anywhere(request.user, Perm.MANAGE_ROLES),
            "may_groups": may_anywhere(request.user, Perm.MANAGE_GROUPS),
            "may_audit": may_anywhere(request.user, Perm.VIEW_AUDIT),
            "may_calendar": may_anywhere(request.user, Perm.MANAGE_PLACES),
            "may_triage": may_anywhere(request.user, Perm.TRIAGE),
            "may_handle": may_anywhere(request.user, Perm.HANDLE_DISPATCHED),
            "may_slips": may_anywhere(request.user, Perm.ENTER_SLIPS),
            "may_polls": any(
                may_anywhere(request.user, p) for p in (Perm.RUN_POLL, Perm.ENTER_BALLOTS)
            ),
            "may_admin": request.user.is_staff,
        },
    )


def _register_match(user, query):
    """Homes matching `query` by room, name, building or mobile number.

    A whole number matches wherever it lives; the ending of one only in homes whose phones
    `user` may see: elsewhere numbers are masked, and searching ending after ending would
    unmask them a digit at a time.
    """
    match = (
        Q(room__icontains=query)
        | Q(residencies__user__name__icontains=query)
        | Q(unit__building__name__icontains=query)
    )
    digits = normalize_phone(query)
    if is_mobile(digits):
        match |= Q(residencies__user__phone=digits)
    elif digits.isascii() and digits.isdigit():
        seen = homes_in_scope(user, Perm.SEE_PHONE).values("pk")
        match |= Q(residencies__user__phone__endswith=digits, pk__in=seen)
    return match


@login_required
def register(request):
    """The household register within the person's scope, searchable by room, name or phone."""
    if not may_anywhere(request.user, Perm.VIEW_REGISTER):
        return render(request, "people/no_workspace.html", status=403)
    homes = homes_in_scope(request.user, Perm.VIEW_REGISTER)
    query = request.GET.get("q", "").strip()
    if query:
        homes = homes.filter(_register_match(request.user, query)).distinct()
    homes = (
        homes.select_related("unit__building__compound")
        .prefetch_related(
            Prefetch("residencies", queryset=Residency.objects.select_related("user"))
        )
        .order_by("unit__building__compound__name", "unit__building__name", "unit__name", "room")
    )
    page = Paginator(homes, 50).get_page(request.GET.get("page"))
    phone_homes = set(
        homes_in_scope(request.user, Perm.SEE_PHONE)
        .filter(pk__in=[home.pk for home in page])
        .values_list("pk", flat=True)
    )
    for home in page:
        home.show_phone = home.pk in phone_homes
    return render(
        request,
        "people/register.html",
        {"page": page, "query": query},
    )
