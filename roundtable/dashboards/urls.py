from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("c/<slug:code>/", views.community, name="community"),
    path("c/<slug:code>/figures/", views.figures, name="figures"),
    path("c/<slug:code>/figures/<slug:metric>/", views.items, name="items"),
    path(
        "c/<slug:code>/figures/<slug:metric>/export.xlsx", views.items_export, name="items_export"
    ),
    path("work/suggestions/export.xlsx", views.export, name="export"),
]
