"""Who may open every route: each route × each persona, with the answer written once per route.

The routes are read from the URL configuration (get_resolver, walked recursively; the admin site
has one test of its own): a route without a row in ROUTES fails `test_every_route_has_a_row`.
Each row gives the route's arguments in the world of world.py and, per persona, the answer: a
status code, LOGIN (302 to the login page) or a `Redirect` (302 to a path).

Existence does not leak: for a route with an object in its arguments, the same request about a
missing object (and, on a community's pages, about the object at the other community's address)
must answer 404 to everyone who may know of the object, and to the others exactly what the real
object answers them (a 404 too, or a 403 given before any lookup), so that nobody learns from
the answer which objects exist. A route that takes POST is posted to by every persona: a POST
that should be refused answers as its row says and changes nothing (the audit log and the rows
a POST could touch compared before and after).

One test per route asks all personas, each request in a savepoint rolled back after it, so no
answer depends on another's; the world is built once per module and each persona logs in once.
To see what a new route answers, run with ROUTE_MATRIX_DISCOVER=1 -s: each route's answers are
printed instead of checked.
"""

import os
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLResolver, get_resolver, reverse

from roundtable.audit.models import Event
from roundtable.meetings.models import Meeting, Registration
from roundtable.notifications.models import Notification
from roundtable.people.models import ConstituencyGroup, PrivacyConsent, RoleAssignment, User
from roundtable.suggestions.models import Step, Suggestion
from roundtable.votes.models import Ballot, Conflict, Poll
from roundtable.workdays.models import CalendarDay

from . import world as world_module

# Who asks; each is a user of world.py (anonymous: nobody logged in).
PERSONAS = [
    "anonymous",
    "resident",  # 孙阿姨: owner of J5 1栋 301 (第三网格): the suggestions, a voter, registered
    "neighbour",  # 钱先生: owner of J5 2栋 502 (第四网格), no role
    "community_worker",  # 王书记: community worker of lf (residents' committee): everything in lf
    "grid_worker",  # 小王: grid worker of 第三网格 (1栋, the objects' grid)
    "grid_worker_elsewhere",  # grid worker of 第四网格 (2栋)
    "property_staff",  # 谢经理: property staff of J5 for the property company
    "building_leader",  # 姚楼长: building leader of 1栋
    "party_secretary",  # party branch secretary of J5
    "resident_representative",  # resident representative of J5
    "owners_committee_member",  # owners' committee member of J5
    "volunteer",  # volunteer of lf
    "street_official",  # street-office official of lf's street
    "other_community_worker",  # community worker of the other community, on another street
    "revoked",  # was community worker of lf; the role was revoked
    "outsider",  # logged in, no home and no role
]
LOGIN = "login"
ALL = frozenset(PERSONAS)


@dataclass(frozen=True)
class Redirect:
    """302 to a path starting with `to`, formatted with the world's objects ("{poll.pk}")."""

    to: str

    def __str__(self):
        return f"302 → {self.to}"

    def in_(self, world):
        return Redirect(self.to.format(**world.objects))


@dataclass
class Route:
    args: Callable = lambda w: []  # the arguments, from the world
    expect: dict = field(default_factory=dict)  # persona → answer
    missing: Callable | None = None  # the arguments naming a missing object
    # The arguments naming the object under the other community's address: answered as missing.
    elsewhere: Callable | None = None
    post: dict | Callable | None = None  # the data to POST (or a function of the world)
    get: bool = True  # False for a POST-only route: `expect` then answers the POST
    post_expect: dict = field(default_factory=dict)  # the POST's answer where it differs
    # Who may know the object exists, besides those the route serves: they may be refused
    # (403) where a missing object is 404. ALL for objects everyone may know of (an announced
    # meeting, an open poll, a public page).
    knows: frozenset = frozenset()


MISSING_PK = 2_147_000_000  # beyond any id a test database reaches
MISSING_REF = "LF-1999-987654"


def pk(name):
    return lambda w: [w.objects[name].pk]


def code_pk(name, code="lf"):
    return lambda w: [code, w.objects[name].pk]


def on_lf(name):
    """The object `name` at lf's address; missing there; and at the other community's."""
    return {
        "args": code_pk(name),
        "missing": lambda w: ["lf", MISSING_PK],
        "elsewhere": code_pk(name, "other"),
    }


def ref(name):
    return lambda w: [w.objects[name].reference]


DISCOVER = os.environ.get("ROUTE_MATRIX_DISCOVER")

ROUTES: dict[str, Route] = {}


def everyone(answer):
    """The same answer for every persona, anonymous included."""
    return dict.fromkeys(PERSONAS, answer)


def logged_in(answer):
    """`answer` for every logged-in persona, the login page for the anonymous."""
    return {**everyone(answer), "anonymous": LOGIN}


def only(personas, answer=200, others=403):
    """`answer` for `personas`, `others` for the other logged-in ones, LOGIN for the anonymous."""
    return {**logged_in(others), **dict.fromkeys(personas, answer)}


# Who sees 孙阿姨's suggestions in full (suggestions/permissions.visible_to): she, the community
# worker (triage), and those who enter slips where it is (the grid's worker, 1栋's leader,
# J5's representative); the one dispatched to the property company, its staff in J5 too.
SEE_HERS = {"resident", "community_worker", "grid_worker", "building_leader",
            "resident_representative"}  # fmt: skip
SEE_DISPATCHED = SEE_HERS | {"property_staff"}
# Officers of the J5 polls: who runs polls or enters ballots in J5 (votes/views_common).
J5_OFFICERS = {"community_worker", "owners_committee_member"}
# Who sees lf's draft meetings without organising them community-wide.
DRAFT_SEEN = {"grid_worker", "grid_worker_elsewhere", "party_secretary"}
LF_AND_OTHER_WORKERS = {"community_worker", "other_community_worker"}
MISSING_CODE = ["nowhere"]

# fmt: off
R = Route
MP = lambda w: [MISSING_PK]  # noqa: E731
ON_LF = lambda w: ["lf"]  # noqa: E731
ROUTES.update({
    # Site-wide pages
    "home": R(expect=everyone(200)),  # two communities: the list
    "healthz": R(expect=everyone(200)),
    "elder_mode": R(get=False, post={}, expect=everyone(Redirect("/"))),
    "privacy": R(expect=everyone(200)),
    "set_language": R(get=False, post={"language": "en"}, expect=everyone(Redirect("/"))),
    "audit:heads": R(expect=everyone(200)),
    # Meetings, staff: the announced round table is public, so a refusal may say 403.
    "meetings:list": R(expect=only({"community_worker", "grid_worker", "grid_worker_elsewhere",
        "building_leader", "party_secretary", "volunteer", "other_community_worker"})),  # fmt: skip
    # J5's party secretary organises at J5's station; a grid worker has no station.
    "meetings:new": R(post={}, expect=only(
        {"community_worker", "party_secretary", "other_community_worker"})),  # fmt: skip
    "meetings:manage": R(pk("meeting"), missing=MP, post={}, knows=ALL,
                         expect=only({"community_worker"})),
    # A draft is for those who organise meetings in lf (its grid workers and J5's secretary
    # see it, and may not change this one); others get a 404, as for a missing meeting.
    "meetings:edit": R(pk("draft_meeting"), missing=MP, post={}, knows=DRAFT_SEEN,
        expect={**only({"community_worker"}, others=404), **dict.fromkeys(DRAFT_SEEN, 403)}),
    "meetings:announce": R(pk("draft_meeting"), missing=MP, get=False, post={},
        knows=DRAFT_SEEN, expect={**only({"community_worker"},
        Redirect("/work/meetings/{draft_meeting.pk}/"), 404),
        **dict.fromkeys(DRAFT_SEEN, 403)}),
    "meetings:hold": R(pk("meeting"), missing=MP, get=False, post={}, knows=ALL,
        expect=only({"community_worker"}, Redirect("/work/meetings/{meeting.pk}/"))),
    "meetings:cancel": R(pk("meeting"), missing=MP, post={}, knows=ALL,
                         expect=only({"community_worker"})),
    "meetings:agenda": R(pk("meeting"), missing=MP, post={}, knows=ALL,
                         expect=only({"community_worker"})),
    # The poster and the walk-in check-in: who checks people in community-wide.
    "meetings:poster": R(pk("meeting"), missing=MP, knows=ALL,
                         expect=only({"community_worker", "volunteer"})),
    "meetings:walk_in": R(pk("meeting"), missing=MP, post={}, knows=ALL,
                          expect=only({"community_worker", "volunteer"})),
    "meetings:session": R(pk("meeting"), missing=MP, post={}, knows=ALL,
                          expect=only({"community_worker"})),
    "meetings:minutes": R(pk("meeting"), missing=MP, post={}, knows=ALL,
                          expect=only({"community_worker"})),
    # Meetings, residents and public
    "meetings:public_list": R(ON_LF, missing=lambda w: MISSING_CODE, expect=everyone(200)),
    "meetings:community_feed": R(ON_LF, missing=lambda w: MISSING_CODE, expect=everyone(200)),
    "meetings:figures": R(ON_LF, missing=lambda w: MISSING_CODE, expect=everyone(200)),
    "meetings:detail": R(**on_lf("meeting"), expect=everyone(200)),
    "meetings:ics": R(**on_lf("meeting"), expect=everyone(200)),
    "meetings:register": R(**on_lf("meeting"), get=False,
        post={}, expect=logged_in(Redirect("/c/lf/meetings/{meeting.pk}/"))),  # fmt: skip
    # Only 孙阿姨 holds a registration to cancel.
    "meetings:unregister": R(**on_lf("meeting"), get=False,
        post={}, knows=ALL, expect={**logged_in(404),
        "resident": Redirect("/c/lf/meetings/{meeting.pk}/")}),  # fmt: skip
    # The agenda is not published yet: its organiser alone sees the printable one.
    "meetings:agenda_print": R(**on_lf("meeting"),
        knows=ALL, expect={**everyone(404), "community_worker": 200}),  # fmt: skip
    # No minutes approved yet: nobody's business.
    "meetings:notice": R(**on_lf("meeting"),
                         expect=everyone(404)),
    # The poster's check-in page answers everyone; the POST tells each what to do next.
    "meetings:check_in": R(lambda w: [w.meeting.check_in_token],
                           missing=lambda w: ["no-such-token"], post={}, expect=everyone(200)),
    "meetings:check_in_code": R(lambda w: [w.meeting.check_in_token],
        missing=lambda w: ["no-such-token"], get=False, post={}, expect=everyone(400)),
    "meetings:mine": R(expect=logged_in(200)),
    # A secret address: whoever holds it (calendar apps cannot log in).
    "meetings:person_feed": R(lambda w: [w.feed.token], missing=lambda w: ["no-such-token"],
                              expect=everyone(200)),
    # Polls, officers: others get a 404, as if the poll did not exist (votes/views_common).
    "votes:list": R(expect=only({"community_worker", "grid_worker", "grid_worker_elsewhere",
        "building_leader", "owners_committee_member", "other_community_worker"})),  # fmt: skip
    "votes:new": R(post={}, expect=only({"community_worker", "building_leader",
        "owners_committee_member", "other_community_worker"})),  # fmt: skip
    "votes:detail": R(pk("poll"), missing=MP, expect=only(J5_OFFICERS, others=404)),
    "votes:edit": R(pk("draft"), missing=MP, post={}, expect=only(J5_OFFICERS, others=404)),
    "votes:open": R(pk("draft"), missing=MP, get=False, post={},
                    expect=only(J5_OFFICERS, Redirect("/work/polls/{draft.pk}/"), 404)),
    "votes:close": R(pk("poll"), missing=MP, get=False, post={"reason": "提前结束"},
                     expect=only(J5_OFFICERS, Redirect("/work/polls/{poll.pk}/"), 404)),
    "votes:sheets": R(pk("poll"), missing=MP, post={}, expect=only(J5_OFFICERS, others=404)),
    "votes:paper": R(pk("poll"), missing=MP, post={}, expect=only(J5_OFFICERS, others=404)),
    "votes:hands": R(pk("poll"), missing=MP, post={}, expect=only(J5_OFFICERS, others=404)),
    "votes:conflicts": R(pk("poll"), missing=MP, expect=only(J5_OFFICERS, others=404)),
    "votes:resolve": R(lambda w: [w.poll.pk, w.conflict.pk],
        missing=lambda w: [w.poll.pk, MISSING_PK], get=False,
        post={"resolution": "核实后以网上投票为准"},
        expect=only(J5_OFFICERS, Redirect("/work/polls/{poll.pk}/conflicts/"), 404)),  # fmt: skip
    "votes:electorate": R(pk("poll"), missing=MP,
                          expect={**only(J5_OFFICERS, others=404), "anonymous": 404}),
    "votes:result_xlsx": R(pk("closed"), missing=MP,
                           expect={**only(J5_OFFICERS, others=404), "anonymous": 404}),
    # Polls, voters and public: an open poll's page answers everyone; only its voters' ballots
    # count (孙阿姨 and 钱先生, owners in J5); anyone else's is refused (400) and changes nothing.
    "votes:mine": R(expect=logged_in(200)),
    "votes:vote": R(pk("poll"), missing=MP, post=lambda w: {"choice": str(w.option.pk)},
        knows=ALL, expect=logged_in(200), post_expect={**logged_in(400),
        "resident": Redirect("/polls/{poll.pk}/"), "neighbour": Redirect("/polls/{poll.pk}/")}),
    "votes:image": R(lambda w: [w.poll.pk, w.option.pk],
                     missing=lambda w: [w.poll.pk, MISSING_PK], expect=everyone(200)),
    "votes:public_list": R(ON_LF, missing=lambda w: MISSING_CODE, expect=everyone(200)),
    "votes:results": R(**on_lf("poll"),
                       expect=everyone(200)),
    "votes:live": R(**on_lf("poll"), expect=everyone(200)),
    "votes:live_panel": R(**on_lf("poll"),
                          expect=everyone(200)),
    "votes:notice": R(**on_lf("closed"),
                      expect=everyone(200)),
    "votes:ballots_csv": R(**on_lf("closed"),
                           expect=everyone(200)),
    "votes:receipts": R(**on_lf("closed"),
                        expect=everyone(200)),
    # Suggestions, residents. The form needs a community: a home's, or ?community= (none given
    # here, and staff have no home, so 404: "open the form from your community's page").
    "suggestions:new": R(post={}, expect={**logged_in(404), "resident": 200, "neighbour": 200}),
    "suggestions:mine": R(expect=logged_in(200)),
    "suggestions:detail": R(ref("submitted"), missing=lambda w: [MISSING_REF],
                            expect=only(SEE_HERS, others=404)),
    # Her rating; those who see the suggestion may not rate it for her.
    "suggestions:rate": R(ref("answered"), missing=lambda w: [MISSING_REF], get=False,
        post={"rating": "satisfied"}, knows=SEE_HERS, expect={**only(SEE_HERS, 403, 404),
        "resident": Redirect("/suggestions/{answered.reference}/")}),  # fmt: skip
    # A private photo of her submitted suggestion; a public one of the dispatched one.
    "suggestions:photo": R(lambda w: [w.submitted.reference, w.private_photo.pk],
        missing=lambda w: [w.submitted.reference, MISSING_PK],
        expect={**only(SEE_HERS, others=404), "anonymous": 404}),  # fmt: skip
    "suggestions:thumbnail": R(lambda w: [w.dispatched.reference, w.public_photo.pk],
        missing=lambda w: [w.dispatched.reference, MISSING_PK], expect=everyone(200)),
    "suggestions:public": R(ON_LF, missing=lambda w: MISSING_CODE, expect=everyone(200)),
    "suggestions:public_detail": R(lambda w: ["lf", w.dispatched.reference],
        missing=lambda w: ["lf", MISSING_REF],
        elsewhere=lambda w: ["other", w.dispatched.reference], expect=everyone(200)),
    # Suggestions, staff: who sees the suggestion but may not take the step gets 403, the
    # others 404 as for a missing one.
    "suggestions:triage": R(expect=only(LF_AND_OTHER_WORKERS)),
    "suggestions:triage_item": R(ref("submitted"), missing=lambda w: [MISSING_REF], post={},
        knows=SEE_HERS, expect={**only(SEE_HERS, 403, 404), "community_worker": 200}),
    "suggestions:queue": R(expect=only(
        {"community_worker", "property_staff", "other_community_worker"})),  # fmt: skip
    "suggestions:handle": R(ref("dispatched"), missing=lambda w: [MISSING_REF], post={},
        knows=SEE_DISPATCHED, expect={**only(SEE_DISPATCHED, 403, 404), "property_staff": 200}),
    "suggestions:slip": R(post={}, expect=only({"community_worker", "grid_worker",
        "grid_worker_elsewhere", "building_leader", "resident_representative",
        "other_community_worker"})),  # fmt: skip
    "suggestions:grid_queue": R(expect=only({"community_worker", "grid_worker",
        "grid_worker_elsewhere", "building_leader", "resident_representative",
        "other_community_worker"})),  # fmt: skip
    "suggestions:hotline": R(post={}, expect=only(LF_AND_OTHER_WORKERS)),
    # People
    "people:login": R(expect={**everyone(Redirect("/me/")), "anonymous": 200}),
    "people:send_code": R(get=False, post={}, expect=everyone(400)),
    "people:code_login": R(get=False, post={}, expect=everyone(400)),
    "people:password_login": R(get=False, post={}, expect=everyone(400)),
    "people:logout": R(get=False, post={}, expect=everyone(Redirect("/"))),
    "people:profile": R(expect=logged_in(200)),
    "people:consent": R(get=False, post={}, expect=logged_in(Redirect("/me/"))),
    "people:birth_year": R(get=False, post={}, expect=logged_in(Redirect("/me/"))),
    "people:export": R(expect=logged_in(200)),
    "people:password": R(post={}, expect=logged_in(200)),
    "people:workspace": R(expect={**logged_in(200), "resident": 403, "neighbour": 403,
                                  "revoked": 403, "outsider": 403}),
    "people:register": R(expect=only({"community_worker", "grid_worker", "grid_worker_elsewhere",
        "building_leader", "party_secretary", "owners_committee_member",
        "other_community_worker"})),  # fmt: skip
    "people:import_register": R(post={}, expect=only(LF_AND_OTHER_WORKERS)),
    "people:register_template": R(expect=only(LF_AND_OTHER_WORKERS)),
    "people:audit_log": R(expect=only(
        {"community_worker", "street_official", "other_community_worker"})),  # fmt: skip
    "people:roles": R(post={}, expect=only(LF_AND_OTHER_WORKERS)),
    # Who manages roles nowhere is refused before any lookup (403, a missing one alike); the
    # other community's worker finds no such role (404).
    "people:revoke_role": R(pk("assignment"), missing=MP, post={},
        expect={**only({"community_worker"}), "other_community_worker": 404},
        post_expect={"community_worker": Redirect("/work/roles/")}),  # fmt: skip
    # Constituency groups: their members are sensitive (特定身份, DOMAIN.md §7); who may not
    # manage lf's groups gets a 404, as for a missing group.
    "people:groups": R(post={}, expect=only(LF_AND_OTHER_WORKERS)),
    "people:group": R(pk("group"), missing=MP, post={},
                      expect=only({"community_worker"}, others=404)),
    "people:group_rename": R(pk("group"), missing=MP, post={},
                             expect=only({"community_worker"}, others=404)),
    "people:group_move": R(pk("group"), missing=MP, get=False, post={"direction": "down"},
        expect=only({"community_worker"}, Redirect("/work/groups/"), 404)),
    "people:group_delete": R(pk("group"), missing=MP, post={},
        expect=only({"community_worker"}, others=404),
        post_expect={"community_worker": Redirect("/work/groups/")}),  # fmt: skip
    "people:group_remove_member": R(lambda w: [w.group.pk, w.people["resident"].pk],
        missing=lambda w: [MISSING_PK, w.people["resident"].pk], get=False, post={},
        expect=only({"community_worker"}, Redirect("/work/groups/{group.pk}/"), 404)),
    # The working-day calendar is one for the deployment: community workers keep it.
    "workdays:calendar": R(post={}, expect=only(LF_AND_OTHER_WORKERS)),
    "notifications:inbox": R(expect=logged_in(200)),
    "notifications:read_all": R(get=False, post={}, expect=logged_in(Redirect("/me/messages/"))),
    # Dashboards: the figures and the suggestions behind them are public (masked); their export
    # is for those who see internal metrics: of the community, or of their grid or compound.
    "dashboards:community": R(ON_LF, missing=lambda w: MISSING_CODE, expect=everyone(200)),
    "dashboards:figures": R(ON_LF, missing=lambda w: MISSING_CODE, expect=everyone(200)),
    "dashboards:behind": R(lambda w: ["lf", "collected"],
        missing=lambda w: ["nowhere", "collected"], expect=everyone(200)),
    "dashboards:behind_export": R(lambda w: ["lf", "collected"],
        missing=lambda w: ["nowhere", "collected"], knows=ALL, expect=only({"community_worker",
        "grid_worker", "grid_worker_elsewhere", "party_secretary", "street_official"})),
    "dashboards:export": R(expect=only({"community_worker", "grid_worker",
        "grid_worker_elsewhere", "party_secretary", "street_official",
        "other_community_worker"})),  # fmt: skip
})
# fmt: on


# ---------------------------------------------------------------------------- the machinery


def walk(resolver=None, namespace=None, prefix=""):
    """(name, pattern) of every route, namespaced as reverse() takes them."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern, inner, prefix + str(pattern.pattern))
        else:
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name, prefix + str(pattern.pattern)


def served_routes():
    """Every named route but the admin site's (one row of its own) and static/media files."""
    found = {}
    for name, pattern in walk():
        if pattern.startswith(("admin/", "static/", "media/")):
            continue
        assert name, f"a route without a name: {pattern}"
        found[name] = pattern
    return found


def fingerprint():
    """What a refused POST must leave as it was."""
    return {
        "events": Event.objects.count(),
        "suggestions": list(Suggestion.objects.order_by("pk").values_list("pk", "status")),
        "steps": Step.objects.count(),
        "polls": list(Poll.objects.order_by("pk").values_list("pk", "status", "question")),
        "ballots": Ballot.objects.count(),
        "conflicts": list(Conflict.objects.order_by("pk").values_list("pk", "resolved_at")),
        "meetings": list(Meeting.objects.order_by("pk").values_list("pk", "status", "title")),
        "registrations": list(Registration.objects.order_by("pk").values_list("pk", "status")),
        "roles": RoleAssignment.objects.count(),
        "groups": list(ConstituencyGroup.objects.order_by("pk").values_list("pk", "name", "order")),
        "members": ConstituencyGroup.members.through.objects.count(),
        "unread": Notification.objects.filter(read_at=None).count(),
        "users": list(User.objects.order_by("pk").values_list("pk", "birth_year", "password")),
        "consents": list(PrivacyConsent.objects.values_list("pk", "withdrawn_at")),
        "days": CalendarDay.objects.count(),
    }


def answer_of(response):
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("people:login")):
            return LOGIN
        return Redirect(location)
    return response.status_code


def matches(expected, got):
    if isinstance(expected, Redirect):
        return isinstance(got, Redirect) and got.to.startswith(expected.to)
    return expected == got


def shown(answer):
    return "302 → login" if answer == LOGIN else str(answer)


class Asker:
    """Asks one route as each persona, each request in a savepoint rolled back after it."""

    def __init__(self, world):
        self.world = world
        self.client = Client(raise_request_exception=False)

    def ask(self, persona, method, url, data=None, watch=False):
        """The answer, and what the request changed when `watch` (else nothing is compared)."""
        self.client.cookies.clear()
        if persona in self.world.sessions:
            self.client.cookies[settings.SESSION_COOKIE_NAME] = self.world.sessions[persona]
        with transaction.atomic():
            before = fingerprint() if watch else None
            if method == "post":
                response = self.client.post(url, data or {})
            else:
                response = self.client.get(url)
            after = fingerprint() if watch else None
            transaction.set_rollback(True)
        changed = sorted(k for k in (before or {}) if before[k] != after[k])
        return answer_of(response), changed


REFUSALS = (LOGIN, 403, 404, 405)


def refused(answer):
    return answer in REFUSALS


# ------------------------------------------------------------------------------- the world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        with transaction.atomic():
            built = world_module.build(media)
            built.sessions = sessions_of(built.people)
            yield built
            transaction.set_rollback(True)


def sessions_of(people):
    """A session per persona, made once: each request then only sets its cookie."""
    sessions = {}
    for persona, user in people.items():
        if user is not None:
            client = Client()
            client.force_login(user)
            sessions[persona] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return sessions


@pytest.fixture
def asker(world, db, settings):
    settings.MEDIA_ROOT = world.media
    return Asker(world)


# ------------------------------------------------------------------------------- the tests


def test_every_route_has_a_row():
    served = served_routes()
    missing = sorted(set(served) - set(ROUTES))
    stale = sorted(set(ROUTES) - set(served))
    assert not missing, "routes without a row in ROUTES: " + ", ".join(
        f"{name} ({served[name]})" for name in missing
    )
    assert not stale, f"rows for routes that no longer exist: {stale}"


def _expected(route, method, persona):
    if method == "get" or not route.get:
        return route.expect.get(persona, "?")
    return route.post_expect.get(persona, route.expect.get(persona, "?"))


def _check(asker, name, route):
    """Problems with the route's answers, and the answers seen ((asked, persona) → answer)."""
    w = asker.world
    urls = {"": reverse(name, args=route.args(w))}
    if route.missing:
        urls["missing "] = reverse(name, args=route.missing(w))
    if route.elsewhere:
        urls["elsewhere "] = reverse(name, args=route.elsewhere(w))
    data = route.post(w) if callable(route.post) else route.post
    problems, seen = [], {}
    methods = (["get"] if route.get else []) + (["post"] if route.post is not None else [])
    for method in methods:
        for variant, url in urls.items():
            asked = variant + method
            for persona in PERSONAS:
                expected = real = _expected(route, method, persona)
                if isinstance(expected, Redirect):
                    expected = expected.in_(w)
                if variant and expected != LOGIN:
                    # As for a missing object: 404, or the refusal of one not to know of it.
                    known = persona in route.knows or not refused(expected)
                    expected = 404 if known else expected
                # A POST that should be refused is watched: it must change nothing.
                watch = method == "post" and (refused(expected) or expected == 400)
                got, changed = asker.ask(persona, method, url, data, watch)
                seen[(asked, persona)] = got
                where = f"{method.upper()} {url}"
                if variant:
                    where += f" ({variant.strip()}; the real one answers {shown(real)})"
                if method == "post" and route.get and persona not in route.post_expect:
                    # A POST is refused as its GET is; an allowed one is not refused.
                    ok = matches(expected, got) if refused(expected) else not refused(got)
                else:
                    ok = matches(expected, got)
                if isinstance(got, int) and got >= 500:
                    ok = False
                if not ok:
                    problems.append(
                        f"{where} as {persona}: expected {shown(expected)}, got {shown(got)}"
                    )
                if method == "post" and (refused(got) or got == 400) and changed:
                    problems.append(f"{where} as {persona}: refused, yet changed {changed}")
    return problems, seen


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route_answers_each_persona_as_its_row_says(asker, name):
    problems, seen = _check(asker, name, ROUTES[name])
    if DISCOVER:
        print(f"\nDISCOVER {name}")
        for (method, persona), got in seen.items():
            print(f"  {method:12} {persona:25} {shown(got)}")
        return
    assert not problems, f"{name}:\n" + "\n".join(problems)


def test_the_admin_site_lets_in_only_its_staff(asker):
    """One row for Django's admin: the login page for the anonymous and for non-staff alike."""
    login = reverse("admin:login")
    for persona in ("anonymous", "resident", "community_worker"):
        got, _ = asker.ask(persona, "get", reverse("admin:index"))
        assert isinstance(got, Redirect) and got.to.startswith(login), (persona, shown(got))


def test_a_watched_post_that_changes_something_is_seen(asker):
    """The guard of refused POSTs sees changes: the community worker revoking a role is one."""
    url = reverse("people:revoke_role", args=[asker.world.assignment.pk])
    got, changed = asker.ask("community_worker", "post", url, {}, watch=True)
    assert isinstance(got, Redirect) and "roles" in changed, (shown(got), changed)
