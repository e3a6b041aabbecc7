from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from roundtable import views

admin.site.site_header = _("Roundtable administration")
admin.site.site_title = _("Roundtable")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("elder-mode/", views.toggle_elder_mode, name="elder_mode"),
    path("privacy/", views.privacy_notice, name="privacy"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Resolved in this order, pattern by pattern (no two apps share a path): first the apps
    # whose forms a hall or a whole community posts at once (the poster's check-in, ballots,
    # suggestions), which were last and tried every other pattern on each request.
    path("", include("roundtable.meetings.urls")),
    path("", include("roundtable.votes.urls")),
    path("", include("roundtable.suggestions.urls")),
    path("", include("roundtable.people.urls")),
    path("", include("roundtable.workdays.urls")),
    path("", include("roundtable.notifications.urls")),
    path("", include("roundtable.dashboards.urls")),
    path("", include("roundtable.audit.urls")),
    path("admin/", admin.site.urls),
]
