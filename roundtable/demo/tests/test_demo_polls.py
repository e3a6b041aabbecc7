"""loaddemo's polls, made by the real vote actions: the J5 e-bike shed (an Art. 278 owners' poll,
then the plan chosen by the homes) and the 党群服务中心 renovation voted by the eight groups."""

from datetime import timedelta
from fractions import Fraction

import pytest

from roundtable.audit.models import Event
from roundtable.demo.polls import CENTRE_QUESTION, PLAN_QUESTION, SITE_QUESTION
from roundtable.people.models import DEFAULT_GROUPS, Role, RoleAssignment, User
from roundtable.votes import results
from roundtable.votes.models import (
    Channel,
    Conflict,
    ElectorateKind,
    Method,
    Poll,
    Rule,
    Status,
)

ART278_CONDITIONS = {
    "participation_area",
    "participation_heads",
    "agreement_area",
    "agreement_heads",
}


@pytest.fixture
def site(lf):
    return Poll.objects.get(community=lf, question=SITE_QUESTION)


@pytest.fixture
def yao(lf):
    return User.objects.get(phone="13800000004")


def test_there_are_the_cases_three_polls_all_closed(lf):
    polls = Poll.objects.filter(community=lf)
    assert set(polls.values_list("question", flat=True)) == {
        SITE_QUESTION,
        PLAN_QUESTION,
        CENTRE_QUESTION,
    }
    assert set(polls.values_list("status", flat=True)) == {Status.CLOSED}


def test_the_j5_shed_passes_under_art_278_special_with_each_condition_true(site):
    assert (site.compound.name, site.method) == ("J5", Method.YES_NO)
    assert site.electorate_kind == ElectorateKind.OWNERS_ART278
    assert site.rule == Rule.ART278_SPECIAL and not site.advisory
    decision = site.result["decisions"]["yes"]
    assert decision["passed"]
    conditions = {c["code"]: c for c in decision["conditions"]}
    assert set(conditions) == ART278_CONDITIONS
    assert all(c["holds"] for c in conditions.values())


def test_the_art_278_arithmetic_holds_when_counted_from_the_ballots(site):
    """Recounted here from the ballots and the frozen electorate, in exact integers."""
    ballots = site.ballots.select_related("voter")
    voters = list(site.voters.all())
    took_part = [b.voter for b in ballots]
    agreed = [b.voter for b in ballots if b.choice == "yes"]

    def area(voters):
        return sum(Fraction(v.area) for v in voters)

    total, heads = area(voters), len(voters)
    assert heads == site.electorate_heads and total == Fraction(site.electorate_area)
    assert 3 * area(took_part) >= 2 * total and 3 * len(took_part) >= 2 * heads
    assert 4 * area(agreed) >= 3 * area(took_part) and 4 * len(agreed) >= 3 * len(took_part)
    assert any(b.choice == "no" for b in ballots) and any(b.choice == "abstain" for b in ballots)


def test_owners_voted_online_and_yao_entered_the_numbered_paper_sheets(site, yao):
    online = site.ballots.filter(channel=Channel.ONLINE)
    paper = site.ballots.filter(channel=Channel.PAPER)
    assert online.count() > paper.count() > 30
    assert not online.filter(voter__user=None).exists()
    for ballot in paper.select_related("voter"):
        assert ballot.entered_by == yao
        sheet = site.sheets.get(serial=ballot.paper_serial)
        assert sheet.voter == ballot.voter and sheet.receipt_hash == ballot.receipt_hash
    assert paper.filter(voter__key="developer", choice="yes").exists()
    assert site.sheets.count() > paper.count()  # some sheets were never handed back


def test_a_sheet_of_an_owner_who_voted_online_was_refused_and_settled(site, yao):
    conflict = Conflict.objects.get(poll=site)
    assert conflict.channel == Channel.PAPER and conflict.attempted_by == yao
    assert conflict.resolved and conflict.resolved_by == yao
    counted = site.ballots.get(voter=conflict.voter)
    assert counted.channel == Channel.ONLINE


def test_the_polls_took_ballots_only_in_their_windows(lf):
    for poll in Poll.objects.filter(community=lf):
        assert poll.created_at <= poll.opened_at <= poll.opens_at < poll.closes_at
        assert poll.closes_at <= poll.closed_at
        online = poll.ballots.filter(channel=Channel.ONLINE).values_list("cast_at", flat=True)
        assert all(poll.opens_at <= t < poll.closes_at for t in online)
        paper = poll.ballots.filter(channel=Channel.PAPER).values_list("cast_at", flat=True)
        assert all(poll.opened_at <= t < poll.closed_at for t in paper)


def test_the_owners_had_fifteen_days_notice(site):
    assert site.opens_at - site.created_at >= timedelta(days=15)


def test_yao_ran_the_vote_under_a_mandate_for_the_compound_that_ended(site, yao):
    assert site.created_by == yao
    opened = Event.objects.get(action="votes.poll_opened", object_id=str(site.pk))
    closed = Event.objects.get(action="votes.poll_closed", object_id=str(site.pk))
    assert opened.actor == closed.actor == yao
    assert opened.actor_role == Role.BUILDING_LEADER
    mandate = Event.objects.filter(object_type="people.user", object_id=str(yao.pk))
    granted = mandate.get(action="role.granted", details__scope=f"compound:{site.compound_id}")
    revoked = mandate.get(action="role.revoked", details__scope=f"compound:{site.compound_id}")
    assert granted.actor.name == revoked.actor.name == "王书记"
    assert granted.created_at < site.created_at and revoked.created_at > site.closed_at
    held = RoleAssignment.objects.get(user=yao)
    assert (held.role, held.building.name) == (Role.BUILDING_LEADER, "2栋")


def test_the_j5_homes_chose_the_plan_by_more_than_half_of_the_votes(lf):
    plan = Poll.objects.get(community=lf, question=PLAN_QUESTION)
    assert (plan.method, plan.compound.name) == (Method.SINGLE, "J5")
    assert plan.electorate_kind == ElectorateKind.RESIDENTS_HOMES
    assert plan.rule == Rule.VOTES_CAST_MAJORITY and plan.options.count() == 3
    passed = [pk for pk, d in plan.result["decisions"].items() if d["passed"]]
    assert len(passed) == 1
    assert plan.options.get(pk=int(passed[0])).title.startswith("方案A")


def test_the_eight_groups_chose_the_centres_spaces(lf):
    centre = Poll.objects.get(community=lf, question=CENTRE_QUESTION)
    assert centre.electorate_kind == ElectorateKind.GROUP_MEMBERS
    assert sorted(centre.groups.values_list("name", flat=True)) == sorted(DEFAULT_GROUPS)
    assert (centre.method, centre.max_choices) == (Method.MULTIPLE, 3)
    labels = set(centre.ballots.values_list("voter__group_label", flat=True))
    assert labels == set(DEFAULT_GROUPS)
    paper = centre.ballots.filter(channel=Channel.PAPER)
    assert paper.exists() and set(paper.values_list("entered_by__name", flat=True)) == {"刘敏"}


def test_every_result_recounts_from_its_published_ballot_file(lf):
    for poll in Poll.objects.filter(community=lf):
        meta, rows = results.read_ballot_csv(results.ballot_csv(poll))
        assert results.recount(meta, rows) == poll.result
