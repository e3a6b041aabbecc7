"""URL patterns of the staff pages of suggestions: triage, decisions, handling, paper slips."""

from django.urls import path

from . import views_handling, views_slips, views_triage

urlpatterns = [
    path("work/suggestions/", views_triage.board, name="triage"),
    path("work/suggestions/<str:reference>/triage/", views_triage.item, name="triage_item"),
    path("work/queue/", views_handling.queue, name="queue"),
    path("work/queue/<str:reference>/", views_handling.handle, name="handle"),
    path("work/slips/new/", views_slips.slip, name="slip"),
    path("work/grid/", views_slips.grid_queue, name="grid_queue"),
]
