"""The demo's polls, made by driving the real vote actions in the suggestion builder's timeline.

- 党群服务中心亲民化改造 (the case's "居民定项"): after the evening hearing, the members of the
  eight constituency groups choose up to three function spaces, online or on paper sheets that
  刘敏 enters for elders; the round table then adopts the three most chosen (demo/meetings.py).
- J5 e-bike shed ("线上投票+线下议事"): after the owners' consultation, an Art. 278 owners' poll on
  matter (8), changing the use of a common part (the north green strip), decided by the 3/4 rule
  in area and headcount: owners vote online, 姚勇 enters the numbered paper sheets he handed out
  (and settles the one sheet of an owner who had voted online too). It passes, every condition
  holding; then the J5 homes choose one of three plans, and the round table has it built.

姚勇 leads a vote for the whole compound, but his role is building leader of J5 2栋 only, and a
role's scope is where it acts: 王书记 gives him the same role for compound J5 for the project and
takes it back when the second poll has closed (both in the audit log). Seeded: the same every run.
"""

import random
from collections import Counter
from datetime import timedelta

from roundtable.people.actions import grant_role, revoke_role
from roundtable.people.models import ConstituencyGroup, Relation, Residency, Role
from roundtable.places.models import Compound
from roundtable.votes import actions
from roundtable.votes.ballots import BallotRefused
from roundtable.votes.models import Conflict, ElectorateKind, Method, Poll, Rule, Visibility

SEED = "20260127:polls"

CENTRE_QUESTION = "党群服务中心亲民化改造：您最希望增设哪些功能空间？（最多选3项）"
CENTRE_DESCRIPTION = (
    "三阶四步之“居民定项”：夜间听证会后，由银龄、妇女儿童、青年、新就业群体、残障人士、"
    "退役军人、党员、商户八个议事组别的成员投票，得票前三的功能空间优先建设。"
    "不方便用手机的老人可领取纸质票，由社区工作者录入。"
)
CENTRE_OPTIONS = (
    "长者助餐点与老年活动室",
    "儿童阅览角与四点半课堂",
    "青年共享自习室",
    "新就业群体爱心驿站",
    "居民议事厅（星空圆桌）扩容",
    "便民服务窗口",
    "多功能文体活动室",
    "无障碍卫生间与母婴室",
)
# How much each group likes each option (in CENTRE_OPTIONS order).
LIKES = {
    "银龄": (6, 2, 1, 1, 3, 3, 4, 3),
    "妇女儿童": (2, 6, 1, 1, 2, 2, 3, 5),
    "青年": (1, 3, 6, 2, 2, 2, 4, 1),
    "新就业群体": (1, 1, 2, 7, 1, 3, 2, 1),
    "残障人士": (3, 1, 1, 1, 2, 4, 1, 7),
    "退役军人": (4, 1, 1, 1, 4, 3, 3, 2),
    "党员": (4, 2, 1, 2, 5, 3, 2, 2),
    "商户": (1, 1, 2, 3, 2, 6, 2, 1),
}
CENTRE_TURNOUT = 0.12  # online, of the groups' members
CENTRE_SHEETS = 45  # paper sheets for elders of 银龄

SITE_QUESTION = (
    "是否同意在J5小区北侧公共绿地（地下车库入口旁）扩建电动车棚，新增电动车停车位120个？"
)
SITE_DESCRIPTION = (
    "《民法典》第二百七十八条第一款第（八）项：改变共有部分的用途。须专有部分面积和人数均占"
    "三分之二以上的业主参与表决，并经参与表决专有部分面积四分之三以上且人数四分之三以上的"
    "业主同意。业主协商会议定选址后提请表决；不方便线上投票的业主可领取纸质表决票，由楼栋"
    "党小组长姚勇收回录入。"
)
SITE_ONLINE, SITE_PAPER = 0.68, 0.15  # of the owners
SITE_ANSWERS = (("yes", 88), ("no", 8), ("abstain", 4))

PLAN_QUESTION = "J5小区电动车棚扩建：您支持哪个设计方案？"
PLAN_DESCRIPTION = "选址已经业主共同决定通过。每户一票，得票超过投票数一半的方案实施。"
PLANS = (
    ("方案A：北侧绿地单层光伏车棚", "120个车位集中建设，光伏顶棚，智能充电口120个。", "368000"),
    ("方案B：车库入口旁双层车棚", "上下两层共120个车位，占地少，需坡道推车上层。", "452000"),
    ("方案C：四个楼栋旁分散建设", "每栋旁30个车位，离家近，需占用四处绿地。", "395000"),
)
PLAN_TURNOUT = 0.45  # of the homes
PLAN_ANSWERS = (58, 27, 15)


def plan_polls(demo):
    """The polls' plans for the suggestion builder's timeline; they take no suggestions."""
    return [_CentrePoll(demo), _ShedPolls(demo)], Counter()


def centre_winners(community, n=3):
    """The titles of the `n` function spaces the groups chose most."""
    return _ranked(Poll.objects.get(community=community, question=CENTRE_QUESTION))[:n]


def shed_plan(community):
    """The plan the J5 homes chose."""
    return _ranked(Poll.objects.get(community=community, question=PLAN_QUESTION))[0]


def _ranked(poll):
    votes = {int(pk): w["votes"] for pk, w in poll.result["options"].items()}
    options = poll.options.all()
    return [o.title for o in sorted(options, key=lambda o: (-votes.get(o.pk, 0), o.order))]


def _spread(rng, start, end, n):
    """`n` times between `start` and `end`, more of them early, as people vote when told."""
    span = (end - start).total_seconds()
    return sorted(start + timedelta(seconds=span * rng.random() ** 1.6) for _ in range(n))


class _Story:
    """A plan of the suggestion builder's timeline: steps, each a function of the plan."""

    def __init__(self, demo, key):
        self.demo = demo
        self.rng = random.Random(f"{SEED}:{key}")
        self.steps = []
        self.people = demo.people

    def at(self, day, hour, minute=0):
        return self.demo._at(day, hour, minute)

    def _at(self, when, step):
        self.steps.append((when, step))

    def _cast(self, poll_of, voters_of, choose):
        """A step casting the next planned online ballot."""

        def step(_plan):
            voters = voters_of()
            if voters:
                voter = voters.pop(0)
                actions.cast_ballot(poll_of(), by=voter.user, choice=choose(voter), voter=voter)

        return step


class _CentrePoll(_Story):
    """The eight groups choose the 党群服务中心's new function spaces (days 94–105)."""

    def __init__(self, demo):
        super().__init__(demo, "centre")
        self.poll, self.online, self.sheets = None, [], []
        officer, clerk = self.people["陈晓燕"], self.people["刘敏"]
        members = ConstituencyGroup.objects.filter(
            community=demo.community, members__is_active=True
        )
        expected = members.values("members").distinct().count()
        self._at(self.at(94, 10, 15), lambda _p: self._create(officer))
        self._at(self.at(95, 9), lambda _p: self._open(officer))
        self._at(self.at(95, 9, 30), lambda _p: self._issue(clerk))
        ballots = round(CENTRE_TURNOUT * expected)
        for when in _spread(self.rng, self.at(95, 9, 5), self.at(104, 20, 30), ballots):
            self._at(when, self._cast(lambda: self.poll, lambda: self.online, self._choose))
        for day in range(97, 105, 2):
            self._at(self.at(day, 15, 20), lambda _p: self._enter(clerk, 12))
        self._at(self.at(105, 9, 30), lambda _p: actions.close_poll(self.poll, by=officer))

    def _create(self, officer):
        self.poll = actions.create_poll(
            community=self.demo.community,
            by=officer,
            options=[{"title": title} for title in CENTRE_OPTIONS],
            groups=list(ConstituencyGroup.objects.filter(community=self.demo.community)),
            question=CENTRE_QUESTION,
            description=CENTRE_DESCRIPTION,
            method=Method.MULTIPLE,
            max_choices=3,
            opens_at=self.at(95, 9),
            closes_at=self.at(104, 21),
            visibility=Visibility.TURNOUT,
            electorate_kind=ElectorateKind.GROUP_MEMBERS,
            rule=Rule.NONE,
        )

    def _open(self, officer):
        actions.open_poll(self.poll, by=officer)
        voters = list(self.poll.voters.select_related("user").order_by("key"))
        self.rng.shuffle(voters)
        self.options = list(self.poll.options.order_by("order").values_list("pk", flat=True))
        elders = [v for v in voters if v.group_label == "银龄"]
        self.paper = elders[:CENTRE_SHEETS]
        on_paper = {v.pk for v in self.paper}
        self.online = [v for v in voters if v.pk not in on_paper]

    def _issue(self, clerk):
        issued = actions.issue_ballot_sheets(self.poll, by=clerk, voters=self.paper)
        self.sheets = [sheet for sheet, _code in issued]

    def _enter(self, clerk, n):
        for sheet in self.sheets[:n]:
            actions.enter_paper_ballot(
                self.poll, serial=sheet.serial, choice=self._choose(sheet.voter), by=clerk
            )
        self.sheets = self.sheets[n:]

    def _choose(self, voter):
        """Up to three spaces, drawn by what the voter's group likes."""
        options = self.options
        likes = LIKES.get(voter.group_label, (1,) * len(options))
        k = self.rng.choices((3, 2, 1), weights=(70, 20, 10))[0]
        keyed = sorted(
            ((self.rng.random() ** (1 / w), pk) for pk, w in zip(options, likes, strict=True)),
            reverse=True,
        )
        return [pk for _key, pk in keyed[:k]]


class _ShedPolls(_Story):
    """姚勇's mandate, the Art. 278 site poll (days 153–181), the plan poll (182–191)."""

    def __init__(self, demo):
        super().__init__(demo, "shed")
        self.site = self.plan = self.mandate = None
        self.online, self.sheets, self.homes = [], [], []
        yao, wang = self.people["姚勇"], self.people["王书记"]
        self.j5 = Compound.objects.get(community=demo.community, name="J5")
        self._at(self.at(146, 10), lambda _p: self._grant(wang, yao))
        self._at(self.at(153, 10), lambda _p: self._create_site(yao))
        self._at(self.at(168, 10), lambda _p: self._open_site(yao))
        self._at(self.at(168, 10, 30), lambda _p: self._issue(yao))
        owners = self._owners()
        site_votes = _spread(self.rng, self.at(168, 10, 5), self.at(180, 20, 30), owners)
        for when in site_votes[: round(SITE_ONLINE * owners)]:
            self._at(when, self._cast(lambda: self.site, lambda: self.online, self._answer))
        for day in range(170, 181, 2):
            self._at(self.at(day, 20, 10), lambda _p: self._enter(yao, 9))
        self._at(self.at(181, 8, 30), lambda _p: self._enter(yao, len(self.sheets)))
        self._at(self.at(181, 9, 50), lambda _p: self._settle(yao))
        self._at(self.at(181, 10), lambda _p: actions.close_poll(self.site, by=yao))
        self._at(self.at(182, 10), lambda _p: self._create_plan(yao))
        self._at(self.at(183, 9), lambda _p: self._open_plan(yao))
        plan_votes = _spread(self.rng, self.at(183, 9, 5), self.at(190, 20, 30), owners)
        for when in plan_votes[: round(PLAN_TURNOUT * owners)]:
            self._at(when, self._cast(lambda: self.plan, lambda: self.homes, self._plan_choice))
        self._at(self.at(191, 10), lambda _p: actions.close_poll(self.plan, by=yao))
        self._at(self.at(191, 11), lambda _p: revoke_role(self.mandate, by=wang))

    def _owners(self):
        rows = Residency.objects.filter(
            home__unit__building__compound=self.j5,
            home__is_parking_space=False,
            relation=Relation.OWNER,
        )
        return rows.values("user").distinct().count()

    def _grant(self, wang, yao):
        self.mandate = grant_role(yao, Role.BUILDING_LEADER, self.j5, by=wang)

    def _create_site(self, yao):
        self.site = actions.create_poll(
            community=self.demo.community,
            by=yao,
            compound=self.j5,
            question=SITE_QUESTION,
            description=SITE_DESCRIPTION,
            method=Method.YES_NO,
            opens_at=self.at(168, 10),  # fifteen days' notice
            closes_at=self.at(180, 21),
            visibility=Visibility.TURNOUT,
            electorate_kind=ElectorateKind.OWNERS_ART278,
            rule=Rule.ART278_SPECIAL,
        )

    def _open_site(self, yao):
        """Online: most owners; paper: those without an account (the developer among them) and
        some who asked for a sheet, three of whom then voted online as well."""
        actions.open_poll(self.site, by=yao)
        voters = list(self.site.voters.select_related("user").order_by("key"))
        self.rng.shuffle(voters)
        offline = [v for v in voters if v.user_id is None]
        owners = [v for v in voters if v.user_id is not None]
        online = round(SITE_ONLINE * len(owners))
        paper = round(SITE_PAPER * len(owners))
        self.online = owners[:online]
        self.paper = offline + owners[online : online + paper]
        self.twice = self.online[-3:]  # voted online late, after taking a sheet

    def _issue(self, yao):
        """Sheets in the order they come back; of those who voted online too, one hands theirs
        in at the count and two keep it."""
        voters = [*self.paper, *self.twice]
        issued = [
            sheet for sheet, _code in actions.issue_ballot_sheets(self.site, by=yao, voters=voters)
        ]
        self.sheets = [s for s in issued if s.voter not in self.twice]
        self.sheets += [s for s in issued if s.voter == self.twice[0]]

    def _enter(self, yao, n):
        """The next `n` sheets handed back; the one of an owner who voted online is refused."""
        for sheet in self.sheets[:n]:
            try:
                actions.enter_paper_ballot(
                    self.site, serial=sheet.serial, choice=self._answer(sheet.voter), by=yao
                )
            except BallotRefused:
                pass  # kept as a conflict, settled before the count
        self.sheets = self.sheets[n:]

    def _settle(self, yao):
        for conflict in Conflict.objects.filter(poll=self.site).unresolved():
            actions.resolve_conflict(
                conflict, by=yao, resolution="该业主已线上投票，以线上投票为准，纸质票作废。"
            )

    def _answer(self, voter):
        if voter.key == "developer":
            return "yes"
        answers, weights = zip(*SITE_ANSWERS, strict=True)
        return self.rng.choices(answers, weights=weights)[0]

    def _create_plan(self, yao):
        self.plan = actions.create_poll(
            community=self.demo.community,
            by=yao,
            compound=self.j5,
            options=[
                {"title": title, "description": text, "estimated_cost": cost}
                for title, text, cost in PLANS
            ],
            question=PLAN_QUESTION,
            description=PLAN_DESCRIPTION,
            method=Method.SINGLE,
            opens_at=self.at(183, 9),
            closes_at=self.at(190, 21),
            visibility=Visibility.EVERYTHING,
            electorate_kind=ElectorateKind.RESIDENTS_HOMES,
            rule=Rule.VOTES_CAST_MAJORITY,
        )

    def _open_plan(self, yao):
        actions.open_poll(self.plan, by=yao)
        self.homes = list(self.plan.voters.select_related("user").order_by("key"))
        self.rng.shuffle(self.homes)
        self.options = list(self.plan.options.order_by("order").values_list("pk", flat=True))

    def _plan_choice(self, _voter):
        return self.rng.choices(self.options, weights=PLAN_ANSWERS)[0]
