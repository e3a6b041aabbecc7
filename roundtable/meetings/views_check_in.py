"""Checking in from the poster (/m/<code>/): logged in, one tap; otherwise the number and the SMS
code of the login flow (people/login_codes.py), which logs the person in and checks them in."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roundtable.common.actions import InvalidTransition
from roundtable.common.dates import cn_datetime
from roundtable.common.masking import mask_phone
from roundtable.people import actions as people_actions
from roundtable.people.forms import CodeLoginForm, SendCodeForm
from roundtable.people.login_codes import LoginRefused, check_login_code, send_login_code
from roundtable.people.views import client_ip

from . import actions
from .actions.common import refusal
from .models import IN_SESSION, Meeting
from .views_common import run

PHONE_KEY = "login_phone"  # the login page's session key: a code asked for there works here


def _meeting(token):
    found = Meeting.objects.select_related("community", "station")
    return get_object_or_404(found, check_in_token=token)


def window_refusal(meeting, now=None):
    """Why nobody can check in now, in the words of the check-in action; None when they can."""
    now = now or timezone.now()
    if meeting.status not in IN_SESSION:
        return refusal(InvalidTransition(meeting.status, "check_in"))
    if now < meeting.check_in_opens_at:
        return _("Check-in opens at %(when)s.") % {"when": cn_datetime(meeting.check_in_opens_at)}
    if now > meeting.check_in_closes_at:
        return _("This meeting ended at %(when)s; check-in is closed.") % {
            "when": cn_datetime(meeting.check_in_closes_at)
        }
    return None


def check_in(request, token):
    if request.method == "POST" and request.user.is_authenticated:
        tapped = _tap(request, token)
        if tapped is not None:
            return tapped
    meeting = _meeting(token)
    code_form = None  # the page makes an empty one
    signing_in = request.method == "POST" and not request.user.is_authenticated
    if signing_in and not window_refusal(meeting):
        code_form = CodeLoginForm(request.POST)
        user = _logged_in(request, code_form)
        if user is not None:
            return _check_in(request, meeting, user, token)
    return _page(request, meeting, code_form=code_form)


def _logged_in(request, form):
    """The person whose SMS code this is, now logged in; None (errors on the form) if not."""
    if not form.is_valid():
        return None
    try:
        user = check_login_code(form.cleaned_data["phone"], form.cleaned_data["code"])
    except LoginRefused as refusal:
        form.add_error("code", str(refusal))
        return None
    people_actions.log_in(request, user, method="code")
    request.session.pop(PHONE_KEY, None)
    return user


def _tap(request, token):
    """Check the logged-in person in with one tap; None when the window is shut (the page then
    says when it opens, or that it closed)."""
    try:
        _attendance, created = actions.check_in_by_code(token, by=request.user)
    except Meeting.DoesNotExist as missing:
        raise Http404 from missing
    except (InvalidTransition, ValidationError):
        return None
    _welcome(request, created)
    return HttpResponseRedirect(request.path)  # the poster's page, which says so


def _check_in(request, meeting, user, token):
    result = run(request, lambda: actions.check_in(meeting, by=user, token=token))
    if result is not None:
        _welcome(request, created=result[1])
    return HttpResponseRedirect(request.path)


def _welcome(request, created):
    if created:
        messages.success(request, _("You are checked in. Welcome!"))
    else:
        messages.info(request, _("You were already checked in; you are counted once."))


def _page(request, meeting, *, code_form=None, send_form=None):
    user = request.user
    phone = request.session.get(PHONE_KEY, "")
    if code_form is None:
        code_form = CodeLoginForm(initial={"phone": phone})
    attendance = None
    if user.is_authenticated:
        attendance = meeting.attendances.filter(user=user).first()
    context = {
        "meeting": meeting,
        "refusal": window_refusal(meeting),
        "attendance": attendance,
        "code_form": code_form,
        "send_form": send_form or SendCodeForm(initial={"phone": phone}),
        "code_sent_to": mask_phone(phone) if phone else "",
    }
    failed = request.method == "POST" and (code_form.errors or (send_form and send_form.errors))
    return render(request, "meetings/check_in.html", context, status=400 if failed else 200)


@require_POST
def send_code(request, token):
    """Send the SMS code for checking in without being logged in."""
    meeting = _meeting(token)
    form = SendCodeForm(request.POST)
    if form.is_valid() and not window_refusal(meeting):
        try:
            phone = send_login_code(form.cleaned_data["phone"], ip=client_ip(request))
        except LoginRefused as refusal:
            form.add_error("phone", str(refusal))
        else:
            request.session[PHONE_KEY] = phone
            return redirect("meetings:check_in", token)
    code_form = CodeLoginForm(initial={"phone": request.POST.get("phone", "")})
    return _page(request, meeting, code_form=code_form, send_form=form)
