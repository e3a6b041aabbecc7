from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from roundtable.places.admin import AuditedAdmin
from roundtable.places.admin import CommunityAdmin as PlacesCommunityAdmin
from roundtable.places.models import Community

from . import actions
from .forms import AdminLoginForm
from .models import ConstituencyGroup, Organisation, PrivacyConsent, Residency, RoleAssignment, User

# The admin's password login shows the login page's message for a locked number or address.
admin.site.login_form = AdminLoginForm


class ResidencyInline(admin.TabularInline):
    model = Residency
    extra = 0
    raw_id_fields = ["home"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["phone"]
    list_display = ["phone", "name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["phone", "name"]
    inlines = [ResidencyInline]
    fieldsets = [
        (None, {"fields": ["phone", "name", "password"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["phone", "name", "password1", "password2"]})
    ]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "kind", "community"]
    list_filter = ["kind", "community"]
    search_fields = ["name"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    """Roles are granted and revoked through the actions so the audit log records each change."""

    list_display = [
        "user",
        "role",
        "organisation",
        "street",
        "community",
        "compound",
        "building",
        "grid",
        "created_at",
    ]
    list_filter = ["role"]
    search_fields = ["user__phone", "user__name"]
    raw_id_fields = ["user"]
    list_select_related = [
        "user",
        "organisation",
        "street",
        "community",
        "compound",
        "building",
        "grid",
    ]

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        scope = next(getattr(obj, f) for f in obj.SCOPE_FIELDS if getattr(obj, f"{f}_id"))
        saved = actions.grant_role(
            obj.user, obj.role, scope, by=request.user, organisation=obj.organisation
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        actions.revoke_role(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            actions.revoke_role(obj, by=request.user)


@admin.register(ConstituencyGroup)
class ConstituencyGroupAdmin(AuditedAdmin):
    list_display = ["name", "community", "order"]
    list_filter = ["community"]
    raw_id_fields = ["members"]


# A community added here starts with the default groups, which are people's: this admin replaces
# the places app's one, which knows nothing of groups.
admin.site.unregister(Community)


@admin.register(Community)
class CommunityAdmin(PlacesCommunityAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        actions.ensure_default_groups(obj)


@admin.register(PrivacyConsent)
class PrivacyConsentAdmin(admin.ModelAdmin):
    list_display = ["user", "version", "accepted_at", "withdrawn_at"]
    raw_id_fields = ["user"]

    def has_change_permission(self, request, obj=None):
        return False
