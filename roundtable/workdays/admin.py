from django.contrib import admin
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from . import actions
from .models import CalendarDay


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Edits go through the actions, so they are checked, audited and drop the cached calendar."""

    list_display = ["date", "weekday", "kind", "name", "note"]
    list_filter = ["kind"]
    search_fields = ["name", "note"]
    date_hierarchy = "date"

    @admin.display(description=_("weekday"), ordering="date")
    def weekday(self, obj):
        return date_format(obj.date, "l") if obj.date else ""

    def get_readonly_fields(self, request, obj=None):
        # Another date is another row: clear this one and list the new date instead.
        return ["date"] if obj else []

    def save_model(self, request, obj, form, change):
        saved = actions.set_day(obj.date, obj.kind, obj.name, by=request.user, note=obj.note)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        actions.clear_day(obj.date, by=request.user)

    def delete_queryset(self, request, queryset):
        for day in queryset:
            actions.clear_day(day.date, by=request.user)
