"""Community workers grant and revoke roles in their community; every change is audited."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roundtable.common.text import CleanTextField
from roundtable.places.models import Building, Compound, Grid

from . import actions
from .forms import PhoneField
from .models import Role, RoleAssignment, User
from .permissions import Perm, communities_in_scope


def scope_choices(community):
    """The places of `community` a role can be scoped to, as (key, label) pairs."""
    choices = [(f"community:{community.pk}", community.name)]
    choices += [(f"compound:{c.pk}", c.name) for c in community.compounds.all()]
    buildings = Building.objects.filter(compound__community=community).select_related("compound")
    choices += [(f"building:{b.pk}", str(b)) for b in buildings]
    choices += [(f"grid:{g.pk}", g.name) for g in community.grids.all()]
    return choices


def scope_from_key(community, key):
    kind, _sep, pk = key.partition(":")
    querysets = {
        "community": type(community).objects.filter(pk=community.pk),
        "compound": Compound.objects.filter(community=community),
        "building": Building.objects.filter(compound__community=community),
        "grid": Grid.objects.filter(community=community),
    }
    return querysets[kind].get(pk=pk)


class GrantRoleForm(forms.Form):
    phone = PhoneField()
    name = CleanTextField(
        label=gettext_lazy("Name"),
        max_length=50,
        required=False,
        help_text=gettext_lazy("Needed only for a person not yet registered."),
    )
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices)
    scope = forms.ChoiceField(label=gettext_lazy("Where"))
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"), queryset=None, required=False
    )

    def __init__(self, community, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        self.fields["scope"].choices = scope_choices(community)
        self.fields["organisation"].queryset = community.organisations.all()

    def clean(self):
        data = super().clean()
        phone = data.get("phone")
        if phone and not data.get("name") and not User.objects.filter(phone=phone).exists():
            self.add_error("name", _("This number is not registered yet: enter the name too."))
        return data


def _community(request):
    communities = communities_in_scope(request.user, Perm.MANAGE_ROLES).select_related("street")
    code = request.GET.get("community") or request.POST.get("community")
    community = communities.filter(code=code).first() if code else communities.first()
    if community is None:
        raise PermissionDenied(_("You may not manage roles."))
    return community, communities


def _assignments(community):
    return (
        RoleAssignment.objects.filter(
            Q(community=community)
            | Q(compound__community=community)
            | Q(building__compound__community=community)
            | Q(grid__community=community)
        )
        .select_related("user")
        .with_scope()
        .order_by("user__name")
    )


def _by_role(assignments):
    """Role holders in the order roles are listed, community workers first."""
    order = {role: index for index, role in enumerate(Role.values)}
    return sorted(assignments, key=lambda a: order.get(a.role, len(order)))


@login_required
def roles(request):
    """The role holders of a community and a form to grant another role."""
    community, communities = _community(request)
    form = GrantRoleForm(community, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = User.objects.filter(phone=data["phone"]).first()
        if user is None:
            user = User.objects.create_user(data["phone"], name=data["name"])
        scope = scope_from_key(community, data["scope"])
        actions.grant_role(
            user, data["role"], scope, by=request.user, organisation=data["organisation"]
        )
        messages.success(request, _("The role was granted."))
        return redirect(f"{request.path}?community={community.code}")
    context = {
        "community": community,
        "communities": communities,
        "form": form,
        "assignments": _by_role(_assignments(community)),
    }
    return render(request, "people/roles.html", context, status=400 if form.errors else 200)


@login_required
def revoke(request, pk):
    """Ask before revoking a role (GET), then revoke it (POST)."""
    community, _communities = _community(request)
    assignment = get_object_or_404(_assignments(community), pk=pk)
    if request.method != "POST":
        return render(
            request, "people/revoke_role.html", {"assignment": assignment, "community": community}
        )
    actions.revoke_role(assignment, by=request.user)
    messages.success(request, _("The role was revoked."))
    return redirect(f"{reverse('people:roles')}?community={community.code}")
