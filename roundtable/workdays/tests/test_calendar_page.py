"""The calendar page at /work/calendar/: who sees it, the year's grids, setting and clearing."""

from datetime import date

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from roundtable.audit.models import Event
from roundtable.workdays.models import CalendarDay

URL = reverse("workdays:calendar")


@pytest.fixture
def worker_client(client, community_worker):
    client.force_login(community_worker)
    return client


def test_community_worker_sees_twelve_months_of_2026(worker_client):
    response = worker_client.get(URL, {"year": "2026"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<table class="month"') == 12
    assert 'id="m1"' in html and 'id="m12"' in html
    assert html.count('<td class="holiday') == 33 and html.count('<td class="workday') == 6
    assert "css/calendar.css" in html
    runs = response.context["runs"]
    assert [(r["first"].name, r["first"].kind, r["count"]) for r in runs[:3]] == [
        ("元旦", "holiday", 3),
        ("元旦", "workday", 1),
        ("春节", "workday", 1),
    ]


def test_without_a_year_the_page_shows_this_year_and_marks_today(client, community_worker):
    with time_machine.travel("2026-11-25 23:30 +0800", tick=False):
        client.force_login(community_worker)  # logged in then: a session from today may expire
        response = client.get(URL)
    assert response.context["year"] == 2026
    assert response.content.decode().count('aria-current="date"') == 1


def test_a_year_with_nothing_listed_says_so(worker_client):
    response = worker_client.get(URL, {"year": "2031"})
    assert response.status_code == 200 and response.context["runs"] == []
    assert 'class="message warning"' in response.content.decode()


@pytest.mark.parametrize("year", ["2027", "2028"])
def test_a_year_the_library_lacks_shows_the_notice(worker_client, year):
    response = worker_client.get(URL, {"year": year})
    html = response.content.decode()
    assert response.status_code == 200 and response.context["covered"] is False
    assert f"{year}年的国务院节假日安排尚未收录：该年按周一至周五工作日计算" in html
    assert '<a href="#edit">在此录入</a>' in html
    assert html.count('<td class="holiday') == 0 and html.count('<td class="workday') == 0


def test_the_notice_speaks_english_too(worker_client):
    response = worker_client.get(URL, {"year": "2027"}, HTTP_ACCEPT_LANGUAGE="en")
    assert (
        "The State Council's holiday schedule for 2027 is not included yet: that year "
        "counts Monday to Friday as working days." in response.content.decode()
    )


def test_a_year_the_library_has_shows_no_notice(worker_client):
    html = worker_client.get(URL, {"year": "2026"}).content.decode()
    assert 'id="not-covered"' not in html and "尚未收录" not in html
    assert "chinese-calendar" in html


def test_a_year_staff_have_entered_is_covered(worker_client):
    CalendarDay.objects.create(date=date(2027, 2, 8), kind="holiday", name="春节")
    response = worker_client.get(URL, {"year": "2027"})
    html = response.content.decode()
    assert response.context["covered"] is True and 'id="not-covered"' not in html
    assert "chinese-calendar 库尚未收录2027年" in html
    (run,) = response.context["runs"]
    assert (run["first"].name, run["first"].local, run["count"]) == ("春节", True, 1)


def test_a_day_set_here_shows_on_top_of_the_library(worker_client):
    CalendarDay.objects.create(date=date(2026, 2, 14), kind="holiday", name="社区安排")
    response = worker_client.get(URL, {"year": "2026"})
    html = response.content.decode()
    assert html.count('<td class="holiday') == 34 and html.count('<td class="workday') == 5
    runs = [(r["first"].date, r["first"].name, r["first"].local) for r in response.context["runs"]]
    assert (date(2026, 2, 14), "社区安排", True) in runs
    assert (date(2026, 2, 15), "春节", False) in runs
    assert "在此设置" in html and "国务院（chinese-calendar）" in html


@pytest.mark.parametrize("year", ["1999", "2101", "abc", "-1"])
def test_years_outside_the_calendar_are_not_found(worker_client, year):
    assert worker_client.get(URL, {"year": year}).status_code == 404


@pytest.mark.parametrize("persona", ["resident", "grid_worker", "property_staff", "outsider"])
def test_others_may_not_open_the_page(db, client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"date": "2026-11-27", "kind": "holiday"}).status_code == 403
    assert not CalendarDay.objects.filter(date=date(2026, 11, 27)).exists()


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("people:login") in response["Location"]


def test_the_page_query_count_is_pinned(worker_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        assert worker_client.get(URL, {"year": "2026"}).status_code == 200


def test_setting_a_day_on_the_page(worker_client, community_worker):
    response = worker_client.post(
        f"{URL}?year=2026", {"date": "2026-11-27", "kind": "holiday", "name": "停电检修"}
    )
    assert response.status_code == 302 and response["Location"] == f"{URL}?year=2026#m11"
    day = CalendarDay.objects.get(date=date(2026, 11, 27))
    assert (day.kind, day.name) == ("holiday", "停电检修")
    event = Event.objects.get(action="calendar.day_set")
    assert event.actor == community_worker and event.details["date"] == "2026-11-27"
    follow = worker_client.get(response["Location"])
    assert "2026年11月27日 星期五" in follow.content.decode()


def test_as_usual_clears_a_listed_day(worker_client):
    CalendarDay.objects.create(date=date(2026, 2, 14), kind="holiday", name="社区安排")
    response = worker_client.post(URL, {"date": "2026-02-14", "kind": "usual", "name": ""})
    assert response.status_code == 302 and response["Location"].endswith("?year=2026#m2")
    assert not CalendarDay.objects.filter(date=date(2026, 2, 14)).exists()
    assert Event.objects.filter(action="calendar.day_cleared").count() == 1


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"date": "1999-12-31", "kind": "holiday"}, "date", "Choose a date between 2000 and 2100."),
        ({"date": "2101-01-01", "kind": "usual"}, "date", "Choose a date between 2000 and 2100."),
        ({"date": "27/11/2026", "kind": "holiday"}, "date", "Enter a date such as 2026-10-01."),
        ({"date": "", "kind": "holiday"}, "date", "Enter the date."),
        (
            {"date": "2026-11-27", "kind": "festival"},
            "kind",
            "Choose holiday, swapped working day or as usual.",
        ),
        (
            {"date": "2026-11-27", "kind": "workday"},
            "kind",
            "Only a Saturday or Sunday can be a swapped working day: "
            "Monday to Friday are working days already.",
        ),
        (
            {"date": "2026-11-27", "kind": "holiday", "name": "长" * 51},
            "name",
            "A name has at most 50 characters.",
        ),
    ],
)
def test_the_form_explains_what_is_wrong(worker_client, data, field, message):
    response = worker_client.post(
        f"{URL}?year=2026", {"name": "", **data}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not Event.objects.filter(action__startswith="calendar.").exists()


def test_posting_needs_the_csrf_token(community_worker):
    client = Client(enforce_csrf_checks=True)
    client.force_login(community_worker)
    response = client.post(URL, {"date": "2026-11-27", "kind": "holiday", "name": "停电检修"})
    assert response.status_code == 403
    assert not CalendarDay.objects.filter(date=date(2026, 11, 27)).exists()


def test_the_workspace_links_to_the_calendar_for_those_who_may_edit_it(
    client, community_worker, grid_worker
):
    client.force_login(community_worker)
    assert URL in client.get(reverse("people:workspace")).content.decode()
    client.force_login(grid_worker)
    assert URL not in client.get(reverse("people:workspace")).content.decode()
