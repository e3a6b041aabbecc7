from django.contrib import admin

from .models import Event, PublishedHead


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "actor_label", "actor_role", "object_repr"]
    list_filter = ["action", "actor_role"]
    search_fields = ["action", "object_repr", "object_id"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PublishedHead)
class PublishedHeadAdmin(admin.ModelAdmin):
    list_display = ["day", "length", "hash", "reason", "key_id", "published_at"]
    list_filter = ["reason"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
