"""The demo's suggestions: the case's figures (DOMAIN.md §1), made by driving the real actions.

217 collected, 164 valid, 142 responded (87%), 71 of them from 第三网格, 34 small livelihood
items resolved, and the first of all: 孙阿姨's playground flooring, fixed 15 days after 谢经理
committed on site. Every suggestion is received by `intake.submit_suggestion` and moved only by
`actions`, each step at its own past time (see clock.py), so the history, deadlines, audit chain
and messages are exactly what the product would have written. Seeded: the same every run.
"""

import random
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from unittest import mock

from django.db.models import F, Max
from django.utils import timezone

from roundtable.notifications.models import Notification
from roundtable.people.models import Organisation, OrganisationKind, Residency, User
from roundtable.places.models import Grid, Station
from roundtable.suggestions import actions, summaries
from roundtable.suggestions.intake import submit_suggestion
from roundtable.suggestions.models import Category, Channel, Rating, Suggestion

from . import suggestion_texts as texts
from .cast import CAST
from .clock import demo_clock

SEED = 20260127
DAYS = 300  # the suggestions span the last ten months

COLLECTED, VALID, RESPONDED = 217, 164, 142
GRID_COUNTS = {"第一网格": 52, "第二网格": 50, "第三网格": 71, "第四网格": 44}
SMALL_RESOLVED = 34
READ_BEFORE_END = timedelta(days=3)  # the last days' messages stay unread, as in a real inbox
READ_AFTER = timedelta(hours=3)
# The case's 民生小微议题 (楼道杂物清理, 宠物扰民, 电动车随意停放 …): these categories count.
SMALL_LIVELIHOOD = ("01.01", "02.02", "04.01", "04.02")

# How each suggestion ends up (the first suggestion is one more "closed").
FATES = {
    "invalid": 31,
    "merged": 22,
    "closed": 107,
    "closed_reopened": 4,
    "closed_sent_back": 3,
    "closed_deliberated": 2,
    "closed_returned": 2,
    "closed_answered": 1,
    "follow_up": 11,
    "follow_up_answered": 2,
    "responded": 9,
    "submitted": 2,
    "dispatched": 5,
    "accepted": 4,
    "in_progress": 6,
    "extension_pending": 1,
    "overdue": 1,
    "deliberation": 3,
}
# Days (from the start of the period) in which each fate's submission falls.
WINDOWS = {
    "closed": (2, 275),
    "closed_reopened": (10, 255),
    "closed_sent_back": (10, 265),
    "closed_deliberated": (60, 240),
    "follow_up": (250, 283),
    "follow_up_answered": (280, 296),
    "responded": (280, 286),
    "submitted": (300, 300),
    "dispatched": (300, 300),  # yesterday evening: not yet late to accept
    "accepted": (296, 298),
    "in_progress": (295, 297),
    "extension_pending": (288, 292),
    "overdue": (272, 275),
    "deliberation": (230, 285),
    "invalid": (1, 298),
    "merged": (20, 298),
}
JOINT = ("02.01", "06.04")  # decided together: they go through deliberation
HANDLED = [code for code in texts.RESULTS if code not in JOINT]
NOT_SMALL = [code for code in HANDLED if code not in SMALL_LIVELIHOOD]
CHANNELS = [
    (Channel.GRID_BOX, 60),
    (Channel.ONLINE, 22),
    (Channel.STATION, 13),
    (Channel.HOTLINE, 3),
]


@dataclass
class Plan:
    """One suggestion to be: who, where, what, and the steps of its life."""

    fate: str
    grid: str
    day: int
    category: str = ""
    text: str = ""
    residency: object = None
    channel: str = Channel.GRID_BOX
    template: str = ""
    reason: str = ""
    target: "Plan | None" = None
    obj: Suggestion | None = None
    steps: list = field(default_factory=list)


def build_suggestions(community, *, also=()):
    """Create the case's suggestions once; a community that has any is left alone.

    Each of `also` (demo/meetings.py, demo/polls.py) is called with the builder and returns more
    plans, run in the same timeline, and what their own suggestions take of FATES and
    GRID_COUNTS (a fate or grid name → how many): the case's figures count those too.
    """
    if Suggestion.objects.filter(community=community).exists():
        return 0
    demo = _Demo(community, random.Random(SEED))
    more, taken = [], Counter()
    for builder in also:
        plans, took = builder(demo)
        more, taken = more + plans, taken + took
    plans = demo.plan(taken)
    timeline = sorted(
        ((when, n, plan, step) for n, plan in enumerate(plans + more) for when, step in plan.steps),
        key=lambda item: (item[0], item[1]),
    )
    if timeline[-1][0] >= timezone.now():
        raise ValueError("a demo step would lie in the future")
    first_message = (Notification.objects.aggregate(Max("pk"))["pk__max"] or 0) + 1
    with (
        summaries.rebuilt_after(community),
        demo_clock(timeline[0][0]) as clock,
        messages_without_sms(),
    ):
        for when, _n, plan, step in timeline:
            clock.set(when)
            step(plan)
    read_old_messages(first_message, until=timeline[-1][0] - READ_BEFORE_END)
    return len(plans)


def read_old_messages(first_pk, *, until):
    """Mark the history's messages read a few hours after they came, except the last days'.

    Real staff read their messages as they go; without this the demo inbox of each community worker
    would hold every message of months of simulated work, unread.
    """
    Notification.objects.filter(pk__gte=first_pk, created_at__lt=until, read_at=None).update(
        read_at=F("created_at") + READ_AFTER
    )


@contextmanager
def messages_without_sms():
    """Deliver each step's in-app messages at once (at the step's time), but text nobody.

    The actions send messages after their transaction commits; loaddemo runs in one transaction,
    so they would all arrive at load time. Demo phone numbers are invented: never text them.
    """
    with (
        mock.patch("django.db.transaction.on_commit", lambda func, *a, **k: func()),
        mock.patch("roundtable.notifications.actions.send_sms_later", lambda notification: None),
    ):
        yield


class _Demo:
    def __init__(self, community, rng):
        self.community, self.rng = community, rng
        # Day DAYS is yesterday, so that no step can lie in the future.
        self.start = timezone.localdate() - timedelta(days=DAYS + 1)
        self.categories = {c.code: c for c in Category.objects.filter(community=community)}
        organisations = Organisation.objects.filter(community=community)
        self.property = organisations.get(kind=OrganisationKind.PROPERTY_COMPANY)
        self.committee = organisations.get(kind=OrganisationKind.RESIDENTS_COMMITTEE)
        staff = User.objects.filter(phone__in=[m.phone for m in CAST if m.role])
        self.people = {u.name: u for u in staff}
        self.sun = User.objects.get(phone="13900000001")
        self.stations = {s.compound_id: s for s in Station.objects.filter(community=community)}
        self.hall = Station.objects.filter(community=community, compound=None).first()
        self.pools = {
            grid.name: self._pool(grid) for grid in Grid.objects.filter(community=community)
        }
        self.hotline = 0

    def _pool(self, grid):
        """Some 60 residents of the grid's flats, who write most of its suggestions."""
        rows = (
            Residency.objects.filter(home__unit__building__grids=grid, home__is_parking_space=False)
            .select_related("user", "home__unit__building__compound")
            .order_by("user__phone", "home_id")
        )
        rows = list({r.user.phone: r for r in rows}.values())
        return self.rng.sample(rows, min(60, len(rows)))

    # Planning

    def plan(self, taken=None):
        """The plans of the suggestions, leaving out what `taken` other builders' ones take."""
        taken = taken or {}
        fates = [fate for fate, n in FATES.items() for _ in range(n - taken.get(fate, 0))]
        grids = [grid for grid, n in GRID_COUNTS.items() for _ in range(n - taken.get(grid, 0))]
        grids.remove("第三网格")  # the first suggestion is from 第三网格
        self.rng.shuffle(fates)
        self.rng.shuffle(grids)
        closed = FATES["closed"] - taken.get("closed", 0)
        small = set(self.rng.sample(range(closed), SMALL_RESOLVED))
        plans, closed = [self._first()], 0
        for fate, grid in zip(fates, grids, strict=True):
            plan = Plan(fate, grid, self._day(fate))
            if fate == "closed":
                plan.category = self._category(small=closed in small)
                closed += 1
            plans.append(plan)
        plans.sort(key=lambda p: p.day)
        for plan in plans[1:]:
            self._fill(plan, plans)
        for plan in plans[1:]:
            self._schedule(plan)
        return plans

    def _day(self, fate):
        low, high = WINDOWS.get(fate, WINDOWS["closed"])
        return low + round((high - low) * self.rng.random() ** 0.7)

    def _category(self, *, small):
        return self.rng.choice(SMALL_LIVELIHOOD if small else NOT_SMALL)

    def _first(self):
        residency = Residency.objects.select_related("home__unit__building__compound").get(
            user=self.sun, home__unit__building__compound__name="J5", home__room="301"
        )
        plan = Plan("first", "第三网格", 0, "05.06", "", residency, Channel.GRID_BOX)
        plan.text = texts.FIRST.format(**_where(residency))
        t0 = self._at(0, 18, 40)
        accepted = t0 + timedelta(hours=2, minutes=5)
        xie, wang = self.people["谢经理"], self.people["王书记"]
        plan.steps = [
            (t0, self._submit),
            (t0 + timedelta(minutes=50), self._dispatch_to(self.property, by=wang)),
            (accepted, _do(actions.accept, by=xie, note=texts.FIRST_ACCEPT)),
            (accepted + timedelta(minutes=20), _do(actions.contact, by=xie)),
            (
                accepted + timedelta(days=1, hours=-6),
                lambda p: actions.request_extension(
                    p.obj, by=xie, until=accepted + timedelta(days=15), reason=texts.FIRST_EXTENSION
                ),
            ),
            (
                accepted + timedelta(days=1, hours=-4),
                _do(actions.decide_extension, by=wang, approve=True),
            ),
            (
                accepted + timedelta(days=15),
                _do(actions.respond, by=xie, result=texts.FIRST_RESULT),
            ),
            (accepted + timedelta(days=15, hours=14), _do(actions.approve_response, by=wang)),
            (
                accepted + timedelta(days=16, hours=16),
                _do(
                    actions.rate, by=self.sun, rating=Rating.SATISFIED, comment=texts.FIRST_COMMENT
                ),
            ),
        ]
        return plan

    def _fill(self, plan, plans):
        """Who writes it, through which channel, about what."""
        rng = self.rng
        plan.residency = rng.choice(self.pools[plan.grid])
        plan.channel = rng.choices(*zip(*CHANNELS, strict=True))[0]
        if plan.fate == "merged":
            plan.target = self._target(plan, plans)
            plan.category = plan.target.category
        elif plan.fate in ("closed_answered", "follow_up_answered"):
            plan.category = rng.choice(list(texts.ANSWERS))
        elif plan.fate in ("closed_deliberated", "deliberation"):
            plan.category = rng.choice(JOINT)
        elif plan.fate == "overdue":
            plan.category = "05.05"
        elif plan.fate == "extension_pending":
            plan.category = "05.01"  # waterproofing: 15 working days, and more asked for
        elif plan.fate == "dispatched":
            plan.category = rng.choice(
                [c for c in HANDLED if self.categories[c].accept_hours >= 24]
            )
        elif plan.fate == "closed_returned":
            plan.category = "04.05"
        elif plan.fate.startswith("closed") and not plan.category:
            plan.category = self._category(small=False)  # only "closed" ones count as small
        elif not plan.category:
            plan.category = rng.choice(HANDLED)
        if plan.fate == "invalid":
            plan.text, plan.reason = rng.choice(texts.INVALID)
        else:
            source = plan.target.template if plan.target else rng.choice(texts.TEXTS[plan.category])
            plan.template = source
            plan.text = source.format(**_where(plan.residency))

    def _target(self, plan, plans):
        """An earlier valid suggestion from the same grid: the one this duplicates."""
        earlier = [p for p in plans if p.day < plan.day and p.template and p.fate != "merged"]
        same_grid = [p for p in earlier if p.grid == plan.grid] or earlier
        recent = [p for p in same_grid if p.day >= plan.day - 60] or same_grid
        return self.rng.choice(recent)

    def _schedule(self, plan):
        """The steps of the plan's life, each with its time."""
        rng = self.rng
        t = self._at(plan.day, rng.randint(8, 19), rng.randint(0, 59))
        steps = [(t, self._submit)]
        triage = self._triager()
        owner = (
            self.property
            if self.categories[plan.category].owner_kind == "property_company"
            else self.committee
        )

        def then(hours_low, hours_high, step):
            nonlocal t
            t = self._daytime(t + timedelta(hours=rng.uniform(hours_low, hours_high)))
            steps.append((t, step))

        fate = plan.fate
        if fate == "invalid":
            then(0.5, 20, _do(actions.reject, by=triage, reason=plan.reason))
        elif fate == "merged":
            then(0.5, 20, lambda p: actions.merge(p.obj, by=triage, into=p.target.obj))
        elif fate in ("closed_answered", "follow_up_answered"):
            then(0.2, 6, _do(actions.answer, by=triage, text=_matching(texts.ANSWERS, plan)))
            if fate == "closed_answered":
                then(10, 72, self._rate(plan))
        elif fate == "dispatched":
            when = self._at(plan.day, 20, rng.randint(0, 40))
            steps.append((when, self._dispatch_to(owner, by=triage)))
        elif fate != "submitted":
            self._handle(plan, fate, owner, triage, then)
        plan.steps = steps

    def _handle(self, plan, fate, owner, triage, then):
        rng = self.rng
        if fate == "closed_returned":
            then(0.5, 8, self._dispatch_to(self.property, by=triage))
            then(
                1,
                6,
                _do(
                    actions.return_suggestion,
                    by=self._handler(plan, self.property),
                    reason=texts.RETURN_REASONS[0],
                ),
            )
            owner = self.committee
        then(0.5, 20, self._dispatch_to(owner, by=triage))
        handler = self._handler(plan, owner)
        urgent = self.categories[plan.category].accept_hours < 24
        then(
            *((0.2, 1.5) if urgent else (1, 18)),
            _do(actions.accept, by=handler, note=rng.choice(texts.ACCEPT_NOTES)),
        )
        if fate == "accepted":
            return
        then(0.5, 24, _do(actions.contact, by=handler, note=rng.choice(texts.CONTACT_NOTES)))
        if fate == "extension_pending":
            then(
                48,
                72,
                lambda p: actions.request_extension(
                    p.obj,
                    by=handler,
                    until=p.obj.resolve_by + timedelta(days=14),
                    reason=texts.EXTENSION_REASONS[0],
                ),
            )
        if fate == "overdue":
            then(24 * 20, 24 * 21, lambda p: actions.flag_overdue(p.obj))
        if fate in ("in_progress", "extension_pending", "overdue"):
            return
        if fate in ("closed_deliberated", "deliberation"):
            then(24, 72, _do(actions.elevate, by=triage, note=texts.ELEVATE_NOTES[0]))
            if fate == "deliberation":
                return
            then(24 * 12, 24 * 20, _do(actions.resume, by=triage, note=texts.RESUME_NOTES[0]))
        result = _matching(texts.RESULTS, plan)
        then(24, 24 * 9, _do(actions.respond, by=handler, result=result))
        if fate == "responded":
            return
        if fate == "closed_sent_back":
            then(4, 30, _do(actions.send_back, by=triage, note=texts.SEND_BACK_NOTES[0]))
            then(24, 72, _do(actions.respond, by=handler, result=result + "已回访居民，居民知晓。"))
        then(2, 36, _do(actions.approve_response, by=triage))
        if fate == "follow_up":
            return
        if fate == "closed_reopened":
            then(
                12,
                96,
                _do(
                    actions.rate,
                    by=plan.residency.user,
                    rating=Rating.UNSATISFIED,
                    comment=rng.choice(texts.UNSATISFIED),
                ),
            )
            then(
                48, 144, _do(actions.respond, by=handler, result="已再次上门处理并复查。" + result)
            )
            then(2, 36, _do(actions.approve_response, by=triage))
        then(12, 96, self._rate(plan))

    def _rate(self, plan):
        rating = Rating.SATISFIED if self.rng.random() < 0.7 else Rating.BASICALLY
        comments = texts.SATISFIED if rating == Rating.SATISFIED else texts.BASICALLY
        return _do(
            actions.rate, by=plan.residency.user, rating=rating, comment=self.rng.choice(comments)
        )

    def _dispatch_to(self, owner, *, by):
        def step(plan):
            category = self.categories[plan.category]
            return actions.dispatch(plan.obj, by=by, owner=owner, category=category)

        return step

    def _triager(self):
        names = ["王书记", "刘敏", "陈晓燕"]
        return self.people[self.rng.choices(names, weights=[6, 2, 2])[0]]

    def _handler(self, plan, owner):
        """Who handles it for `owner`: the compound's property staff or 谢经理; a worker."""
        if owner == self.committee:
            return self.people[self.rng.choice(["刘敏", "陈晓燕", "王书记"])]
        local = {"J5": "周建军", "澜菲溪岸一期": "胡婷"}.get(_where(plan.residency)["c"])
        if local and self.rng.random() < 0.7:
            return self.people[local]
        return self.people["谢经理"]

    def _entered_by(self, plan):
        if plan.channel == Channel.GRID_BOX:
            workers = {
                "第一网格": "张磊",
                "第二网格": "李娜",
                "第三网格": "小王",
                "第四网格": "赵鹏",
            }
            return self.people[workers[plan.grid]]
        if plan.channel == Channel.STATION:
            return self.people[self.rng.choice(["李传举", "陈晓燕"])]
        if plan.channel == Channel.ONLINE:
            return plan.residency.user
        return None

    # Doing

    def _submit(self, plan):
        home = plan.residency.home
        station = None
        if plan.channel in (Channel.GRID_BOX, Channel.STATION):
            station = self.stations.get(home.unit.building.compound_id, self.hall)
        hotline = ""
        if plan.channel == Channel.HOTLINE:
            self.hotline += 1
            hotline = f"GD{timezone.localdate():%Y%m%d}{self.hotline:04d}"
        plan.obj = submit_suggestion(
            community=self.community,
            text=plan.text,
            channel=plan.channel,
            by=self._entered_by(plan),
            submitter=plan.residency.user,
            home=home,
            station=station,
            show_name=plan.fate == "first" or self.rng.random() < 0.3,
            hotline_number=hotline,
            submitted_at=timezone.now(),
        )

    def _at(self, day, hour, minute):
        when = datetime.combine(self.start + timedelta(days=day), time(hour, minute))
        return timezone.make_aware(when)

    def _daytime(self, when):
        """Staff work from eight to nine: later steps move to the next morning."""
        local = timezone.localtime(when)
        if 8 <= local.hour < 21:
            return when
        day = local.date() + timedelta(days=1 if local.hour >= 21 else 0)
        return timezone.make_aware(datetime.combine(day, time(8, self.rng.randint(0, 50))))


def _do(action, **kwargs):
    """A step that calls `action` on the plan's suggestion."""
    return lambda plan: action(plan.obj, **kwargs)


def _matching(replies, plan):
    """The reply to the plan's text: the one at the text's place in TEXTS, or the only one."""
    options = replies[plan.category]
    return options[texts.TEXTS[plan.category].index(plan.template) % len(options)]


def _where(residency):
    building = residency.home.unit.building
    compound = building.compound.name
    compound += "小区" if compound[-1].isascii() else ""  # J5小区, but 澜菲溪岸一期
    return {"c": compound, "b": building.name, "u": residency.home.unit.name}
