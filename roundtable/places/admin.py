from django.contrib import admin

from roundtable.audit.log import record

from .models import Building, Community, Compound, Grid, Home, Station, Street, Unit, community_of


class AuditedAdmin(admin.ModelAdmin):
    """Admin edits of places are recorded in the audit log like any other change.

    The event also moves the community's version, which retires its cached page figures.
    """

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        action = "changed" if change else "created"
        fields = sorted(form.changed_data)
        record(
            obj,
            f"admin.{obj._meta.model_name}.{action}",
            by=request.user,
            role="admin",
            community=community_of(obj),
            fields=fields,
        )

    def delete_model(self, request, obj):
        record(
            obj,
            f"admin.{obj._meta.model_name}.deleted",
            by=request.user,
            role="admin",
            community=community_of(obj),
        )
        super().delete_model(request, obj)


@admin.register(Street)
class StreetAdmin(AuditedAdmin):
    list_display = ["name", "district", "city"]
    search_fields = ["name"]


@admin.register(Community)
class CommunityAdmin(AuditedAdmin):
    list_display = ["name", "code", "street", "count_parking_spaces"]
    list_filter = ["street"]
    search_fields = ["name", "code"]


@admin.register(Compound)
class CompoundAdmin(AuditedAdmin):
    list_display = ["name", "community", "address"]
    list_filter = ["community"]
    search_fields = ["name"]


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


@admin.register(Building)
class BuildingAdmin(AuditedAdmin):
    list_display = ["name", "compound"]
    list_filter = ["compound__community", "compound"]
    search_fields = ["name", "compound__name"]
    inlines = [UnitInline]


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ["name", "building"]
    list_filter = ["building__compound"]
    search_fields = ["name", "building__name"]
    list_select_related = ["building__compound"]


@admin.register(Home)
class HomeAdmin(AuditedAdmin):
    list_display = [
        "__str__",
        "area_register",
        "area_surveyed",
        "area_contract",
        "delivered",
        "is_parking_space",
    ]
    list_filter = ["delivered", "is_parking_space", "unit__building__compound"]
    search_fields = ["room", "unit__building__name"]
    list_select_related = ["unit__building__compound"]
    raw_id_fields = ["unit"]


@admin.register(Grid)
class GridAdmin(AuditedAdmin):
    list_display = ["name", "community"]
    list_filter = ["community"]
    filter_horizontal = ["buildings"]


@admin.register(Station)
class StationAdmin(AuditedAdmin):
    list_display = ["name", "kind", "compound", "community", "address"]
    list_filter = ["community", "kind"]
