"""The Content-Security-Policy holds on the main pages: no violation in a real Chromium.

The policy (settings.CONTENT_SECURITY_POLICY) allows scripts and style sheets from the site's
own static files only. A page that still carries an inline <script> or <style>, or a library
that injects one (htmx's indicator styles), is reported here by the browser itself through
`securitypolicyviolation` events, which the test collects on every page it opens.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from roundtable.meetings import actions as meetings
from roundtable.meetings.models import Kind
from roundtable.suggestions import intake
from roundtable.suggestions.categories import seed_categories
from roundtable.suggestions.models import Channel
from roundtable.votes import actions as votes
from roundtable.votes.models import ElectorateKind, Method, Rule

pytestmark = pytest.mark.e2e

# Every violation the page reports, from the first script on, kept on `window`.
COLLECT = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(
    `${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`
  );
});
"""


@pytest.fixture
def world(community, building, resident, community_worker):
    """A submitted suggestion, an open poll of 1栋's homes and the month's round table."""
    seed_categories(community)
    suggestion = intake.submit_suggestion(
        community=community,
        text="3栋楼道里堆满了纸箱和旧家具，过不去人",
        channel=Channel.ONLINE,
        by=resident,
        submitter=resident,
    )
    now = timezone.now()
    poll = votes.create_poll(
        community=community,
        by=community_worker,
        question="是否同意更换游乐场地胶？",
        method=Method.YES_NO,
        electorate_kind=ElectorateKind.RESIDENTS_HOMES,
        rule=Rule.NONE,
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=7),
        building=building,
    )
    votes.open_poll(poll, by=community_worker)
    meeting = meetings.schedule_meeting(
        community,
        by=community_worker,
        kind=Kind.ROUND_TABLE,
        title="星空圆桌",
        day=timezone.localdate() + timedelta(days=5),
        place="居民议事厅",
    )
    return {"suggestion": suggestion, "poll": poll, "meeting": meeting}


def _violations(page, path, *, wait_ms=300):
    page.goto(path)
    page.wait_for_load_state("load")
    page.wait_for_timeout(wait_ms)
    return [f"{path}: {v}" for v in page.evaluate("() => window.__cspViolations")]


def _page(new_page, log_in_as, user=None):
    page = new_page("desktop")
    page.add_init_script(COLLECT)
    if user is not None:
        log_in_as(page, user)
    return page


def test_public_pages_and_the_figures_chart_report_no_csp_violation(new_page, log_in_as, world):
    page = _page(new_page, log_in_as)
    policy = page.goto("/").headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    found = []
    for path in ["/", "/c/lf/", "/c/lf/suggestions/", f"/c/lf/polls/{world['poll'].pk}/"]:
        found += _violations(page, path)
    found += _violations(page, "/c/lf/figures/", wait_ms=800)
    assert page.locator("#monthly-chart canvas").count() == 1, "ECharts drew no chart"
    chart = page.locator("#monthly-chart")
    chart.scroll_into_view_if_needed()
    chart.hover()  # ECharts writes its tooltip with style attributes
    page.wait_for_timeout(300)
    found += [f"chart tooltip: {v}" for v in page.evaluate("() => window.__cspViolations")]
    assert found == []


def test_the_live_vote_screen_polls_through_htmx_without_csp_violation(new_page, log_in_as, world):
    page = _page(new_page, log_in_as)
    path = f"/c/lf/polls/{world['poll'].pk}/live/"
    with page.expect_response(lambda r: "/live/panel/" in r.url, timeout=10_000):
        found = _violations(page, path)
    page.wait_for_timeout(500)  # the swapped-in panel, with its bars
    found += [f"after the swap: {v}" for v in page.evaluate("() => window.__cspViolations")]
    assert found == []


def test_resident_and_staff_pages_report_no_csp_violation(
    new_page, log_in_as, world, resident, community_worker
):
    page = _page(new_page, log_in_as, resident)
    found = _violations(page, "/suggestions/new/")
    found += _violations(page, f"/polls/{world['poll'].pk}/")
    staff = _page(new_page, log_in_as, community_worker)
    reference = world["suggestion"].reference
    for path in [
        "/work/",
        "/work/suggestions/",
        f"/work/suggestions/{reference}/triage/",
        f"/work/polls/{world['poll'].pk}/",
        f"/work/meetings/{world['meeting'].pk}/session/",
        "/work/register/",
    ]:
        found += _violations(staff, path)
    assert found == []
