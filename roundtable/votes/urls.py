"""The poll pages: officers' (/work/polls/), voters' (/polls/, /me/polls/), public (/c/<code>/)."""

from django.urls import path

from . import views_ballots, views_export, views_public, views_staff, views_voter

app_name = "votes"

staff = [
    path("work/polls/", views_staff.poll_list, name="list"),
    path("work/polls/new/", views_staff.poll_new, name="new"),
    path("work/polls/<int:pk>/", views_staff.poll_detail, name="detail"),
    path("work/polls/<int:pk>/edit/", views_staff.poll_edit, name="edit"),
    path("work/polls/<int:pk>/open/", views_staff.poll_open, name="open"),
    path("work/polls/<int:pk>/close/", views_staff.poll_close, name="close"),
    path("work/polls/<int:pk>/sheets/", views_ballots.sheets, name="sheets"),
    path("work/polls/<int:pk>/paper/", views_ballots.paper, name="paper"),
    path("work/polls/<int:pk>/hands/", views_ballots.hands, name="hands"),
    path("work/polls/<int:pk>/conflicts/", views_ballots.conflicts, name="conflicts"),
    path(
        "work/polls/<int:pk>/conflicts/<int:conflict>/resolve/",
        views_ballots.resolve,
        name="resolve",
    ),
    path("work/polls/<int:pk>/electorate.xlsx", views_export.electorate_xlsx, name="electorate"),
    path("work/polls/<int:pk>/result.xlsx", views_export.result_xlsx, name="result_xlsx"),
]

voters = [
    path("me/polls/", views_voter.my_polls, name="mine"),
    path("polls/<int:pk>/", views_voter.vote, name="vote"),
    path("polls/<int:pk>/options/<int:option>/image/", views_voter.option_image, name="image"),
]

public = [
    path("c/<slug:code>/polls/", views_public.community_polls, name="public_list"),
    path("c/<slug:code>/polls/<int:pk>/", views_public.results, name="results"),
    path("c/<slug:code>/polls/<int:pk>/notice/", views_public.notice, name="notice"),
    path("c/<slug:code>/polls/<int:pk>/live/", views_public.live, name="live"),
    path("c/<slug:code>/polls/<int:pk>/live/panel/", views_public.live_panel, name="live_panel"),
    path("c/<slug:code>/polls/<int:pk>/ballots.csv", views_export.ballots_csv, name="ballots_csv"),
    path("c/<slug:code>/polls/<int:pk>/receipts.txt", views_export.receipts, name="receipts"),
]

urlpatterns = [*staff, *voters, *public]
