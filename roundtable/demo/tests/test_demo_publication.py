"""What the demo's secret Art. 278 poll (the J5 e-bike shed) publishes, searched for anything that
points at one home: before issue 13 its ballot file gave each ballot's exact area, and about half
of the ballots matched exactly one flat of J5 (DOMAIN.md §4, "What a secret poll publishes")."""

import csv
import json
from collections import Counter

import pytest
from django.urls import reverse

from roundtable.demo.polls import SITE_QUESTION
from roundtable.votes import results
from roundtable.votes.models import Poll
from roundtable.votes.rules.disclosure import MIN_BALLOTS, POOLED


@pytest.fixture
def site(lf):
    return Poll.objects.get(community=lf, question=SITE_QUESTION)


def _published(client, site, name):
    response = client.get(reverse(f"votes:{name}", args=[site.community.code, site.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _rows(text):
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


def test_the_site_polls_file_recounts_to_exactly_its_result(client, site):
    assert site.secret and site.weighted
    meta, rows = results.read_ballot_csv(_published(client, site, "ballots_csv"))
    recounted = results.recount(meta, rows)
    assert recounted == site.result
    assert recounted["decisions"]["yes"]["passed"]


def test_no_row_of_the_site_polls_files_stands_for_one_home(client, site):
    text = _published(client, site, "ballots_csv")
    areas = Counter(str(area) for area in site.voters.values_list("area", flat=True))
    single = {area for area, n in areas.items() if n == 1}
    assert len(single) > 100  # most J5 flats have an area no other flat has
    labelled = {r["group"] for r in _rows(text)} - {POOLED}
    for row in _rows(text):
        behind = site.ballots.filter(choice=json.loads(row["choice"]))
        if row["group"] != POOLED:
            behind = behind.filter(group_label=row["group"])
        else:
            behind = behind.exclude(group_label__in=labelled)
        if row["channel"] != POOLED:
            behind = behind.filter(channel=row["channel"])
        assert behind.count() == int(row["ballots"]) >= MIN_BALLOTS, row
        assert row["area"] not in single, row
    for ballot in site.ballots.all()[:50]:
        assert ballot.receipt_hash not in text


def test_every_counted_ballot_of_the_site_poll_has_its_receipt_published(client, site):
    receipts = set(_published(client, site, "receipts").splitlines())
    assert receipts == set(site.ballots.values_list("receipt_hash", flat=True))


def test_the_site_polls_page_and_notice_show_no_homes_area(client, site):
    developer = site.voters.get(key="developer")
    for name in ("results", "notice"):
        html = _published(client, site, name)
        assert f"{developer.area}" not in html, name
        for voter in site.voters.filter(ballots__isnull=False)[:100]:
            assert f">{voter.area}<" not in html and f">{voter.area} /" not in html
