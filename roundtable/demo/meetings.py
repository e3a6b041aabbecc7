"""The demo's 27 meetings of the ten months, made by driving the real meeting actions.

Ten monthly 星空圆桌 round tables in the residents' hall, fifteen 微光议站 sessions at the four red
stations, the evening hearing on the 党群服务中心 renovation and the J5 owners' consultation on the
e-bike shed (meeting_texts.SCRIPTS), plus next month's round table, announced and open for
registration. Each is scheduled by its organiser, given an agenda (scripted items, the hot topic
the organiser is offered, every suggestion in deliberation), registered for, checked into
(residents scan the poster, staff check in walk-ins), discussed (opinions), decided (resolutions),
held, minuted and approved: "600余人次" come to 27 meetings (metrics.figures counts them).

A resolution's action item is a suggestion (channel "meeting") handled like any other: accepted,
responded to, approved, and closed by the system a week later since no resident is there to rate
it, exactly as the tick closes unrated items. The action items are among the case's 217
suggestions, not beside them: the case counts what the 微光议站 collect "即提即议" (raised and
deliberated on the spot), and the figures count every suggestion whatever its channel. So the
suggestion builder makes 217 − 15 of its own, leaving out the fates and grids in TAKEN, and all
the case's figures stay as they are; the action items carry out 14 of 15 (93%).

The plans run in the suggestion builder's timeline (build_suggestions(also=…)), so every step
happens at its own time among the suggestions' steps: references stay in date order and the
suggestions sent to deliberation are on the agenda while they are there. Seeded: the same every run.
"""

import calendar
import random
from collections import Counter
from datetime import date, timedelta

from django.utils import timezone

from roundtable.meetings import actions
from roundtable.meetings.models import AgendaItemKind, Kind
from roundtable.people.models import ConstituencyGroup
from roundtable.places.models import Building
from roundtable.suggestions import actions as suggestion_actions
from roundtable.suggestions.models import Status as SuggestionStatus
from roundtable.suggestions.models import Suggestion

from . import meeting_texts as texts
from . import polls
from .layout import GRIDS
from .participants import (
    LOCAL_PROPERTY,
    PARTY_SECRETARIES,
    ROUND_TABLE_ROLES,
    People,
    staff_chances,
)
from .suggestions import DAYS

SEED = "20260127:meetings"
KINDS = {
    texts.ROUND_TABLE: Kind.ROUND_TABLE,
    texts.STATION: Kind.STATION_SESSION,
    texts.HEARING: Kind.HEARING,
    texts.CONSULTATION: Kind.OWNERS_CONSULTATION,
}
LEAD_DAYS = {texts.ROUND_TABLE: 12, texts.STATION: 8, texts.HEARING: 14, texts.CONSULTATION: 16}
REGISTERED = 0.85  # of the residents who come, most registered first
NO_SHOWS = 0.1  # more register than come
BY_STAFF = 0.4  # of those who did not register, staff check in this share; the rest scan
SLOTS = 3  # agenda items a meeting can take from suggestions: hot topics, deliberation
SLOT_MINUTES = 12
LAST_DAY = DAYS  # the history's last day: yesterday


def _grid_of(compound, building):
    return next(grid for grid, keys in GRIDS.items() if (compound, building) in keys)


def _taken():
    """The fates and grids of the action items: the suggestion builder makes that many fewer."""
    taken = Counter()
    for script in texts.SCRIPTS:
        for item in script.items:
            if item.action:
                taken[item.action.fate] += 1
                taken[_grid_of(*item.action.building)] += 1
    return taken


TAKEN = _taken()
ACTION_ITEMS = sum(1 for s in texts.SCRIPTS for i in s.items if i.action)


def plan_meetings(demo):
    """The meetings' plans for the suggestion builder's timeline, and what their items take."""
    people = People(demo)
    scripts = [*texts.SCRIPTS, texts.NEXT_ROUND_TABLE]
    days = round_table_days(demo.start, [s.day for s in scripts if s.kind == texts.ROUND_TABLE])
    return [_Meeting(demo, people, s, days.get(s.day, s.day)) for s in scripts], TAKEN


def round_table_days(start, days):
    """The round tables' days, each moved (by a few days at most) into a month of its own.

    The scripts hold them 28 to 31 days apart, so on some dates two fell in one month and none in
    the next, depending on the day the history starts. Months follow one another from the first
    round table's month (or the one before or after): whichever moves them least wins.
    """
    dates = [start + timedelta(days=day) for day in days]
    first = dates[0].year * 12 + dates[0].month - 1
    layouts = [
        [_into_month(when, first + offset + k) for k, when in enumerate(dates)]
        for offset in (0, -1, 1)
    ]
    moves = min(layouts, key=lambda layout: max(abs(move) for move in layout))
    return {day: day + move for day, move in zip(days, moves, strict=True)}


def _into_month(when, month_index):
    """How many days `when` must move to fall in the month with this index (year * 12 + month-1)."""
    year, month = divmod(month_index, 12)
    first = date(year, month + 1, 1)
    last = first.replace(day=calendar.monthrange(year, month + 1)[1])
    return (min(max(when, first), last) - when).days


class _Meeting:
    """One meeting's plan: who comes, and the steps from scheduling to approved minutes."""

    def __init__(self, demo, people, script, day):
        self.demo, self.people, self.script = demo, people, script
        self.day = day  # the script's day, or the round table's moved into a month of its own
        self.rng = random.Random(f"{SEED}:{script.key}")
        self.meeting = None
        self.items = {}  # the script's item index → AgendaItem
        self.extra = []  # agenda items from suggestions: hot topics, deliberation
        self.resolutions = {}
        self.action_items = {}  # the script's item index → ActionItem
        hour, minute = (19, 30) if script.kind == texts.ROUND_TABLE else (19, 0)
        self.starts_at = demo._at(day, hour, minute)
        self.ends_at = self.starts_at + timedelta(hours=2)
        self._cast()
        self.steps = []
        self._plan()

    # Who

    def _cast(self):
        self._officers()
        speakers = self._speakers()
        self.staff = self._staff(speakers)
        named = [u for u in speakers if not self.people.has_role(u)]
        self.residents = self.people.residents_for(self.rng, self.script, named)
        self.walk_ins = []
        if self.script.kind in (texts.ROUND_TABLE, texts.HEARING) and self.script.residents:
            self.walk_ins = self.rng.sample(texts.WALK_INS, self.rng.randint(0, 2))

    def _officers(self):
        """Who organises (and approves the minutes), records, checks walk-ins in, and where."""
        kind, by_name = self.script.kind, self.people.by_name
        if kind == texts.STATION:
            self.organiser = by_name[PARTY_SECRETARIES[self.script.compound]]
            self.recorder = by_name["刘敏" if self.script.day % 2 else "陈晓燕"]
            self.checker = self.organiser
            self.station = self.demo.stations[self._compound().pk]
        elif kind == texts.CONSULTATION:
            self.organiser = self.checker = by_name[PARTY_SECRETARIES["J5"]]
            self.recorder = by_name["陈晓燕"]
            self.station = self.demo.stations[self._compound().pk]
        else:
            self.organiser, self.recorder = by_name["王书记"], by_name["陈晓燕"]
            self.checker = by_name["韩宇航"]
            self.station = self.people.hall

    def _speakers(self):
        """The people the script names as speaking: they come."""
        names = {who for item in self.script.items for who, _s, _t in item.opinions if who}
        return [self.people.by_name[who] for who in sorted(names)]

    def _staff(self, speakers):
        """The officers, the host of a round table, those likely to come who do, the speakers."""
        by_name, script = self.people.by_name, self.script
        staff = [self.organiser, self.recorder, self.checker]
        if script.kind == texts.ROUND_TABLE:
            staff.append(by_name["李传举"])  # the 夜话大家长 hosts every round table
        chances = staff_chances(script)
        staff += [by_name[name] for name, chance in chances.items() if self.rng.random() < chance]
        if script.kind == texts.ROUND_TABLE:
            staff += self.people.to_quorum(staff, chances)
        staff += [u for u in speakers if self.people.has_role(u)]
        return list(dict.fromkeys(staff))

    def _compound(self):
        return next(
            c for c in self.demo.community.compounds.all() if c.name == self.script.compound
        )

    # When

    def _plan(self):
        script, rng = self.script, self.rng
        scheduled_on = self.day - LEAD_DAYS[script.kind]
        notice = rng.choice([2, 3, 4, 4]) if script.kind == texts.STATION else 4
        published_on = self.day - notice
        if not script.residents:  # next month's: announced in the history's last days
            scheduled_on, published_on = LAST_DAY - 2, LAST_DAY
        scheduled = self.demo._at(scheduled_on, 10, rng.randint(0, 40))
        published = self.demo._at(published_on, 10, rng.randint(0, 50))
        self._at(scheduled, self._schedule)
        self._at(scheduled + timedelta(minutes=20), self._add_items)
        if script.kind != texts.CONSULTATION:
            self._at(published - timedelta(minutes=40), self._add_deliberated)
        if script.hot_topic:
            self._at(published - timedelta(minutes=30), self._add_hot_topic)
        self._at(published, self._publish)
        self._plan_registrations(scheduled + timedelta(hours=2))
        if script.residents == 0:
            return  # announced for next month: nothing more has happened yet
        self._plan_check_ins()
        if script.kind != texts.CONSULTATION:
            self._at(self.starts_at + timedelta(minutes=2), self._add_deliberated)
        self._plan_discussion()
        self._at(self.ends_at + timedelta(minutes=3), self._hold)
        self._at(self.demo._at(self.day + 1, 10, rng.randint(0, 40)), self._write_minutes)
        self._at(self.demo._at(self.day + 1, 16, rng.randint(0, 40)), self._approve_minutes)

    def _at(self, when, step):
        self.steps.append((when, step))

    def _plan_registrations(self, opens):
        closes = min(self.starts_at - timedelta(hours=3), self.demo._at(LAST_DAY, 20, 0))
        coming = [u for u in self.residents if self.rng.random() < REGISTERED]
        absent = [u for u in self.people.regulars[self.script.compound] if u not in self.residents]
        no_shows = self.rng.sample(absent, min(len(absent), round(NO_SHOWS * len(coming))))
        if not self.script.residents:
            coming, no_shows = self.people.sample(self.rng, absent, 12, 1), []
        self.registered = set(coming) | set(no_shows)
        span = (closes - opens).total_seconds()
        for user in [*coming, *no_shows]:
            when = opens + timedelta(seconds=span * self.rng.random() ** 0.6)
            self._at(when, self._register(user))

    def _plan_check_ins(self):
        start = self.starts_at
        for user in self.staff:
            self._at(start - timedelta(minutes=self.rng.randint(5, 40)), self._scan(user))
        for user in self.residents:
            when = start + timedelta(
                minutes=self.rng.randint(-30, 20), seconds=self.rng.randint(0, 59)
            )
            if user in self.registered or self.rng.random() >= BY_STAFF:
                self._at(when, self._scan(user))
            else:
                self._at(when, self._walk_in(user=user))
        for name, phone, _who in self.walk_ins:
            when = start + timedelta(minutes=self.rng.randint(-10, 15), seconds=30)
            self._at(when, self._walk_in(name=name, phone=phone))

    def _plan_discussion(self):
        """Each scripted item in its share of the evening, then the slots for extra items."""
        items = self.script.items
        slots = 0 if self.script.kind == texts.CONSULTATION else SLOTS
        scripted = 110 - slots * SLOT_MINUTES
        total = sum(item.minutes for item in items)
        t = self.starts_at + timedelta(minutes=5)
        for index, item in enumerate(items):
            length = timedelta(minutes=scripted * item.minutes / total)
            spoken = len(item.opinions) + 1
            for n, opinion in enumerate(item.opinions, start=1):
                self._at(t + length * n / spoken, self._opinion(index, *opinion))
            if item.resolution:
                self._at(t + length - timedelta(minutes=1), self._resolve(index))
            if item.action:
                self._plan_action(index, t + length - timedelta(seconds=30))
            t += length
        for slot in range(slots):
            for n in range(3):
                self._at(t + timedelta(minutes=2 + 3 * n), self._extra_opinion(slot, n))
            self._at(t + timedelta(minutes=SLOT_MINUTES - 1), self._extra_resolution(slot))
            t += timedelta(minutes=SLOT_MINUTES)

    def _plan_action(self, index, when):
        """The action item, then its suggestion's life as its owner handles it."""
        action, rng, day = self.script.items[index].action, self.rng, self.day
        self._at(when, self._add_action(index))
        accepted = self.demo._at(day + 1, 9, rng.randint(0, 50))
        self._at(accepted, self._handle(index, suggestion_actions.accept))
        self._at(accepted + timedelta(hours=rng.randint(2, 26)), self._handle(index, "contact"))
        if action.done is None:
            return
        responded = self.demo._at(day + action.done, 16, rng.randint(0, 50))
        self._at(responded, self._handle(index, "respond"))
        self._at(responded + timedelta(hours=18), self._handle(index, "approve"))
        if action.fate == "closed":
            # No resident submitted it to rate it: closed when the tick would have closed it.
            self._at(responded + timedelta(days=7, hours=1), self._handle(index, "auto_close"))

    # Doing: each returns a step, a function of the plan (self) run at its time

    def _schedule(self, _plan):
        script = self.script
        groups = []
        if script.kind == texts.HEARING:
            groups = list(ConstituencyGroup.objects.filter(community=self.demo.community))
        self.meeting = actions.schedule_meeting(
            self.demo.community,
            by=self.organiser,
            kind=KINDS[script.kind],
            title=script.title,
            description=script.description,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            station=self.station,
            capacity=60 if script.kind == texts.ROUND_TABLE else None,
            invited_roles=ROUND_TABLE_ROLES if script.kind == texts.ROUND_TABLE else (),
            invited_organisations=[self.demo.property] if script.kind == texts.ROUND_TABLE else (),
            invited_groups=groups,
        )

    def _add_items(self, _plan):
        for index, item in enumerate(self.script.items):
            self.items[index] = actions.add_agenda_item(
                self.meeting,
                by=self.organiser,
                title=item.title,
                note=item.note,
                minutes_planned=item.minutes,
            )

    def _add_hot_topic(self, _plan):
        """The largest cluster the organiser is offered and no meeting has discussed yet."""
        topics = actions.propose_hot_topics(self.meeting, by=self.organiser)
        discussed = set(
            Suggestion.objects.filter(
                community=self.demo.community, hot_topic_items__isnull=False
            ).values_list("pk", flat=True)
        )
        topic = next((t for t in topics if not discussed & set(t.suggestion_ids)), None)
        if topic and len(self.extra) < SLOTS:
            self.extra.append(
                actions.add_agenda_item(
                    self.meeting,
                    by=self.organiser,
                    kind=AgendaItemKind.HOT_TOPIC,
                    title=f"热点：{topic.title}",
                    suggestions=topic.suggestion_ids,
                    note=f"近60天同类建议{topic.count}条",
                    minutes_planned=SLOT_MINUTES,
                )
            )

    def _add_deliberated(self, _plan):
        """Every suggestion sent to deliberation and on no agenda yet (its compound's, at a
        station); after publication it is added late, as the log notes."""
        waiting = Suggestion.objects.filter(
            community=self.demo.community,
            status=SuggestionStatus.DELIBERATION,
            agenda_items__isnull=True,
        ).order_by("submitted_at")
        if self.script.kind == texts.STATION:
            waiting = waiting.filter(compound__name=self.script.compound)
        for suggestion in waiting[: SLOTS - len(self.extra)]:
            self.extra.append(
                actions.add_agenda_item(
                    self.meeting,
                    by=self.organiser,
                    kind=AgendaItemKind.SUGGESTION,
                    suggestion=suggestion,
                    minutes_planned=SLOT_MINUTES,
                )
            )

    def _publish(self, _plan):
        actions.publish_agenda(self.meeting, by=self.organiser)

    def _register(self, user):
        return lambda _plan: actions.register(self.meeting, by=user)

    def _scan(self, user):
        return lambda _plan: actions.check_in(
            self.meeting, by=user, token=self.meeting.check_in_token
        )

    def _walk_in(self, **who):
        return lambda _plan: actions.check_in(self.meeting, by=self.checker, **who)

    def _speaker(self, who):
        """A named person, or a resident who came (there is always one)."""
        if who:
            return self.people.by_name[who]
        return self.rng.choice(self.residents)

    def _opinion(self, index, who, stance, text):
        def step(_plan):
            actions.record_opinion(
                self.items[index],
                by=self.recorder,
                stance=stance,
                text=text,
                speaker=self._speaker(who),
            )

        return step

    def _resolve(self, index):
        def step(_plan):
            text = self._filled(self.script.items[index].resolution)
            self.resolutions[index] = actions.add_resolution(
                self.meeting, by=self.recorder, text=text, agenda_item=self.items[index]
            )

        return step

    def _filled(self, text):
        """Texts about a vote's outcome name what the vote chose."""
        if "{options}" in text:
            return text.format(options="、".join(polls.centre_winners(self.demo.community)))
        if "{plan}" in text:
            return text.format(plan=polls.shed_plan(self.demo.community))
        return text

    def _extra_opinion(self, slot, n):
        def step(_plan):
            if slot >= len(self.extra):
                return
            item = self.extra[slot]
            stance, text = self._topic_opinions(item)[n]
            actions.record_opinion(
                item, by=self.recorder, stance=stance, text=text, speaker=self._speaker("")
            )

        return step

    def _topic_opinions(self, item):
        suggestion = item.suggestion or item.suggestions.order_by("-submitted_at").first()
        category = suggestion.category or suggestion.suggested_category
        code = category.code[:2] if category else ""
        return texts.OPINIONS.get(code, texts.OPINIONS[""])

    def _extra_resolution(self, slot):
        def step(_plan):
            if slot >= len(self.extra):
                return
            item = self.extra[slot]
            if item.kind == AgendaItemKind.HOT_TOPIC:
                title = item.title.removeprefix("热点：")[:24]
                text = texts.HOT_TOPIC_RESOLUTION.format(title=title, n=item.suggestions.count())
            else:
                text = texts.DELIBERATED_RESOLUTION
            actions.add_resolution(self.meeting, by=self.recorder, text=text, agenda_item=item)

        return step

    def _add_action(self, index):
        def step(_plan):
            action = self.script.items[index].action
            compound, building = action.building
            owner = self.demo.property if action.owner == "property" else self.demo.committee
            self.action_items[index] = actions.add_action_item(
                self.resolutions[index],
                by=self.recorder,
                owner=owner,
                due=timezone.localdate() + timedelta(days=action.due),
                text=self._filled(action.text),
                building=Building.objects.get(compound__name=compound, name=building),
            )

        return step

    def _handle(self, index, what):
        """A step of the action item's suggestion, by its owner's staff or the community."""

        def step(_plan):
            action = self.script.items[index].action
            suggestion = self.action_items[index].suggestion
            handler = self._handler(action)
            if what == "contact":
                suggestion_actions.contact(suggestion, by=handler)
            elif what == "respond":
                result = self._filled(action.result)
                suggestion_actions.respond(suggestion, by=handler, result=result)
            elif what == "approve":
                suggestion_actions.approve_response(suggestion, by=self.people.by_name["王书记"])
            elif what == "auto_close":
                suggestion_actions.auto_close(suggestion)
            else:
                what(suggestion, by=handler)

        return step

    def _handler(self, action):
        if action.owner == "committee":
            return self.people.by_name["刘敏"]
        return self.people.by_name[LOCAL_PROPERTY.get(action.building[0], "谢经理")]

    def _hold(self, _plan):
        actions.hold_meeting(self.meeting, by=self.organiser)

    def _write_minutes(self, _plan):
        actions.save_minutes(self.meeting, by=self.recorder, text=minutes_text(self))

    def _approve_minutes(self, _plan):
        actions.approve_minutes(self.meeting, by=self.organiser)


def minutes_text(plan):
    """The minutes as the recorder writes them: who came, what was said, what was decided."""
    meeting = plan.meeting
    local = timezone.localtime(meeting.starts_at)
    attendances = meeting.attendances.select_related("user")
    staff = {u.pk for u in plan.staff}
    came = attendances.count()
    with_role = sum(1 for a in attendances if a.user_id in staff)
    lines = [
        f"# {meeting.title}",
        "",
        f"- 时间：{local:%Y年%m月%d日} {local:%H:%M}–{timezone.localtime(meeting.ends_at):%H:%M}",
        f"- 地点：{meeting.location}",
        f"- 主持：{plan.organiser.name}　记录：{plan.recorder.name}",
        f"- 参加：{came}人（社区工作者、网格员、物业、支部书记、楼栋长、居民代表等{with_role}人，"
        f"居民{came - with_role}人）",
        "",
        "## 议题与意见",
    ]
    for n, item in enumerate(meeting.agenda_items.prefetch_related("opinions"), start=1):
        stances = Counter(o.stance for o in item.opinions.all())
        lines.append(
            f"{n}. **{item.title}**（赞成{stances['for']}、反对{stances['against']}、"
            f"建议{stances['suggestion']}）"
        )
        lines += [f"   - {o.text}" for o in item.opinions.all()]
    lines += ["", "## 决议"]
    for resolution in meeting.resolutions.prefetch_related("action_items__suggestion"):
        lines.append(f"{resolution.order}. {resolution.text}")
        for task in resolution.action_items.all():
            lines.append(
                f"   - 行动事项：{task.owner.name}负责，{task.due:%Y年%m月%d日}前完成"
                f"（{task.suggestion.reference}）"
            )
    approver = plan.organiser.name
    lines += ["", texts.MINUTES_SIGNATURE.format(recorder=plan.recorder.name, approver=approver)]
    return "\n".join(lines)
