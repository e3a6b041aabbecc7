"""URL patterns of one part of the suggestions pages (combined in urls.py)."""

from django.urls import path

from . import views_hotline

urlpatterns = [
    path("work/suggestions/hotline/", views_hotline.hotline, name="hotline"),
]
