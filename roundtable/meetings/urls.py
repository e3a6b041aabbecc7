"""The meeting pages: staff's (/work/meetings/), residents' and public (/c/<code>/meetings/),
the poster's check-in (/m/<code>/) and the calendar feeds."""

from django.urls import path

from . import (
    views_agenda,
    views_check_in,
    views_ics,
    views_minutes,
    views_public,
    views_session,
    views_staff,
)

app_name = "meetings"

staff = [
    path("work/meetings/", views_staff.meeting_list, name="list"),
    path("work/meetings/new/", views_staff.meeting_new, name="new"),
    path("work/meetings/<int:pk>/", views_staff.manage, name="manage"),
    path("work/meetings/<int:pk>/edit/", views_staff.meeting_edit, name="edit"),
    path(
        "work/meetings/<int:pk>/announce/",
        views_staff.move,
        {"action": "announce"},
        name="announce",
    ),
    path("work/meetings/<int:pk>/hold/", views_staff.move, {"action": "hold"}, name="hold"),
    path("work/meetings/<int:pk>/cancel/", views_staff.cancel, name="cancel"),
    path("work/meetings/<int:pk>/agenda/", views_agenda.agenda, name="agenda"),
    path("work/meetings/<int:pk>/poster/", views_session.poster, name="poster"),
    path("work/meetings/<int:pk>/check-in/", views_session.walk_in, name="walk_in"),
    path("work/meetings/<int:pk>/session/", views_session.session, name="session"),
    path("work/meetings/<int:pk>/minutes/", views_minutes.minutes, name="minutes"),
]

residents = [
    path("c/<slug:code>/meetings/", views_public.public_list, name="public_list"),
    path("c/<slug:code>/meetings.ics", views_ics.community_feed, name="community_feed"),
    path("c/<slug:code>/meetings/figures/", views_public.figures, name="figures"),
    path("c/<slug:code>/meetings/<int:pk>/", views_public.detail, name="detail"),
    path("c/<slug:code>/meetings/<int:pk>.ics", views_ics.meeting_ics, name="ics"),
    path("c/<slug:code>/meetings/<int:pk>/register/", views_public.register, name="register"),
    path("c/<slug:code>/meetings/<int:pk>/unregister/", views_public.unregister, name="unregister"),
    path("c/<slug:code>/meetings/<int:pk>/agenda/", views_public.agenda_print, name="agenda_print"),
    path("c/<slug:code>/meetings/<int:pk>/minutes/", views_public.notice, name="notice"),
    path("m/<str:token>/", views_check_in.check_in, name="check_in"),
    path("m/<str:token>/code/", views_check_in.send_code, name="check_in_code"),
    path("me/meetings/", views_public.mine, name="mine"),
    path("calendar/<str:token>.ics", views_ics.person_feed, name="person_feed"),
]

urlpatterns = [*staff, *residents]
