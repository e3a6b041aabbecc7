from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("c/<slug:code>/", views.community, name="community"),
    path("c/<slug:code>/figures/", views.figures, name="figures"),
    path("c/<slug:code>/figures/<slug:metric>/", views.behind, name="behind"),
    path(
        "c/<slug:code>/figures/<slug:metric>/export.xlsx", views.behind_export, name="behind_export"
    ),
    path("work/suggestions/export.xlsx", views.export, name="export"),
]
