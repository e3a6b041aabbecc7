"""Community workers edit their community's constituency groups (议事组别) and their members."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from roundtable.common.text import CleanTextField

from . import actions
from .forms import PhoneField
from .models import ConstituencyGroup, Residency, User
from .permissions import Perm, communities_in_scope, may
from .phones import normalize_phone

MEMBERS_PER_PAGE = 50


class GroupNameForm(forms.Form):
    name = CleanTextField(
        label=gettext_lazy("Group name"),
        max_length=ConstituencyGroup._meta.get_field("name").max_length,
        error_messages={
            "required": gettext_lazy("Enter a name for the group."),
            "max_length": gettext_lazy("A group name has at most %(limit_value)d characters."),
        },
    )


class AddMemberForm(forms.Form):
    phone = PhoneField(help_text=gettext_lazy("The person must be registered at a home here."))

    def __init__(self, community, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        self.person = None

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        residents = User.objects.filter(
            residencies__home__unit__building__compound__community=self.community
        )
        self.person = residents.filter(phone=phone).first()
        if self.person is None:
            # One message whether the number is unknown or lives elsewhere: no one's account leaks.
            raise ValidationError(
                _("No resident of %(community)s has this mobile number."),
                params={"community": self.community.name},
            )
        return phone


def _community(request):
    communities = communities_in_scope(request.user, Perm.MANAGE_GROUPS)
    code = request.GET.get("community") or request.POST.get("community")
    community = communities.filter(code=code).first() if code else communities.first()
    if community is None:
        raise PermissionDenied(_("You may not edit constituency groups."))
    return community, communities


def _group(request, pk):
    """A group whose community the person may edit; to anyone else it is missing (404), as its
    members are not public and its answer must not tell which groups exist."""
    communities = communities_in_scope(request.user, Perm.MANAGE_GROUPS)
    groups = ConstituencyGroup.objects.filter(community__in=communities)
    return get_object_or_404(groups.select_related("community"), pk=pk)


def _who(person):
    return person.name or person.masked_phone


def _groups_url(community, anchor=""):
    url = f"{reverse('people:groups')}?{urlencode({'community': community.code})}"
    return f"{url}#{anchor}" if anchor else url


@login_required
def groups(request):
    """A community's groups in order, with member counts, and a form to add a group."""
    community, communities = _community(request)
    form = GroupNameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = actions.create_group(community, form.cleaned_data["name"], by=request.user)
        except ValidationError as error:
            form.add_error("name", error)
        else:
            messages.success(request, _("The group “%(name)s” was added.") % {"name": group})
            return redirect(_groups_url(community, f"group-{group.pk}"))
    context = {
        "community": community,
        "communities": communities,
        "form": form,
        "groups": community.groups.annotate(member_count=Count("members")),
    }
    return render(request, "people/groups.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def move(request, pk):
    """Move a group one place up or down the list."""
    group = _group(request, pk)
    offset = {"up": -1, "down": 1}.get(request.POST.get("direction"))
    if offset and actions.move_group(group, offset, by=request.user):
        messages.success(request, _("The group “%(name)s” was moved.") % {"name": group})
    return redirect(_groups_url(group.community, f"group-{group.pk}"))


@login_required
def rename(request, pk):
    """A form to give a group a new name."""
    group = _group(request, pk)
    form = GroupNameForm(request.POST or None, initial={"name": group.name})
    if request.method == "POST" and form.is_valid():
        old_name = group.name
        try:
            actions.rename_group(group, form.cleaned_data["name"], by=request.user)
        except ValidationError as error:
            form.add_error("name", error)
        else:
            messages.success(
                request,
                _("“%(old)s” is now called “%(new)s”.") % {"old": old_name, "new": group.name},
            )
            return redirect(_groups_url(group.community, f"group-{group.pk}"))
    context = {"group": group, "community": group.community, "form": form}
    return render(request, "people/group_rename.html", context, status=400 if form.errors else 200)


@login_required
def delete(request, pk):
    """Ask before deleting a group (GET), saying how many members it has; delete it (POST)."""
    group = _group(request, pk)
    if request.method != "POST":
        context = {"group": group, "community": group.community, "members": group.members.count()}
        return render(request, "people/group_delete.html", context)
    actions.delete_group(group, by=request.user)
    messages.success(request, _("The group “%(name)s” was deleted.") % {"name": group})
    return redirect(_groups_url(group.community))


def _members(group, query):
    here = Residency.objects.filter(
        home__unit__building__compound__community=group.community_id
    ).select_related("home__unit__building__compound")
    members = group.members.all()
    if query:
        # The number as typed, full-width digits or dashes and all, compared as stored.
        digits = normalize_phone(query)
        by_phone = Q(phone__endswith=digits) if digits.isascii() and digits.isdigit() else Q()
        members = members.filter(
            Q(name__icontains=query)
            | by_phone
            | Q(
                residencies__home__room__icontains=query,
                residencies__home__unit__building__compound__community=group.community_id,
            )
        ).distinct()
    return members.prefetch_related(
        Prefetch("residencies", queryset=here, to_attr="homes_here")
    ).order_by("name", "phone")


@login_required
def detail(request, pk):
    """A group's members, searchable and paginated, and a form to add one by mobile number."""
    group = _group(request, pk)
    form = AddMemberForm(group.community, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            added = actions.add_group_member(group, form.person, by=request.user)
        except ValidationError as error:
            form.add_error("phone", error)
        else:
            names = {"person": _who(form.person), "group": group.name}
            if added:
                messages.success(request, _("%(person)s was added to %(group)s.") % names)
            else:
                messages.info(request, _("%(person)s is already in %(group)s.") % names)
            return redirect("people:group", pk=group.pk)
    query = request.GET.get("q", "").strip()
    page = Paginator(_members(group, query), MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "group": group,
        "community": group.community,
        "form": form,
        "page": page,
        "query": query,
        "show_phone": may(request.user, Perm.SEE_PHONE, group.community),
    }
    return render(request, "people/group_detail.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def remove_member(request, pk, user_pk):
    """Take a person out of the group and return to the same page of the list."""
    group = _group(request, pk)
    person = get_object_or_404(group.members.all(), pk=user_pk)
    actions.remove_group_member(group, person, by=request.user)
    names = {"person": _who(person), "group": group.name}
    messages.success(request, _("%(person)s was removed from %(group)s.") % names)
    back = {k: request.POST[k] for k in ("q", "page") if request.POST.get(k)}
    url = reverse("people:group", args=[group.pk])
    return redirect(f"{url}?{urlencode(back)}" if back else url)
