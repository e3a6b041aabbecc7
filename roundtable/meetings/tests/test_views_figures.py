"""The public meeting figures: each with its definition, rates with their denominators."""

from datetime import date, timedelta

from roundtable.meetings import actions

from .conftest import START, people


def test_the_figures_page_counts_held_meetings_and_states_its_denominators(
    client, meeting, community_worker, property_company, clock
):
    clock.move_to(START)
    for person, born in zip(people(3), [2000, 1950, None], strict=True):
        person.birth_year = born
        person.save(update_fields=["birth_year"])
        actions.check_in(meeting, by=person, token=meeting.check_in_token)
    actions.check_in(meeting, by=community_worker, name="张大爷")
    resolution = actions.add_resolution(meeting, by=community_worker, text="新建车棚")
    actions.add_action_item(
        resolution, by=community_worker, owner=property_company, due=date(2026, 12, 31),
        text="建设车棚",
    )  # fmt: skip
    clock.move_to(START + timedelta(hours=3))
    actions.hold_meeting(meeting, by=community_worker)
    page = client.get("/c/lf/meetings/figures/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert page.status_code == 200
    assert "0 of 1 action items" in text
    assert "1 of 2 participants who gave a year of birth" in text
    assert "Different participants by age band" in text and "year of birth not given" in text
    assert "divided by all action items" in text
    assert f"/c/lf/meetings/{meeting.pk}/" in text


def test_a_period_without_meetings_shows_no_rate(client, meeting):
    page = client.get("/c/lf/meetings/figures/?since=2020-01-01&until=2020-12-31")
    assert page.status_code == 200 and "—" in page.content.decode()


def test_a_bad_period_is_ignored_not_an_error(client, community):
    assert client.get("/c/lf/meetings/figures/?since=nonsense").status_code == 200
