"""Who comes to the demo's meetings: staff with how likely each is there, residents drawn by group.

At first mostly party members and elders came; as the case says, the young, the new-employment
workers and others joined later ("参与主体逐步扩展"), so their weight grows with the months.
"""

import random

from django.db.models import Q

from roundtable.people.models import (
    ConstituencyGroup,
    Relation,
    Residency,
    Role,
    RoleAssignment,
)
from roundtable.places.models import Station, StationKind

from . import meeting_texts as texts
from .cast import CAST

SEED = "20260127:participants"
# Round tables invite these roles: quorum.members counts the people holding them.
ROUND_TABLE_ROLES = [
    Role.COMMUNITY_WORKER,
    Role.GRID_WORKER,
    Role.PROPERTY_STAFF,
    Role.PARTY_SECRETARY,
    Role.BUILDING_LEADER,
    Role.RESIDENT_REPRESENTATIVE,
]
QUORUM = 15  # of the 21 members a round table invites (two thirds is 14)
PARTY_SECRETARIES = {
    "J5": "何丽娟",
    "澜菲溪岸一期": "黄德明",
    "澜菲溪岸二期": "吴秀英",
    "澜菲溪岸三期": "郑海涛",
}
LOCAL_PROPERTY = {"J5": "周建军", "澜菲溪岸一期": "胡婷"}  # elsewhere 谢经理
# Who comes to a round table besides its organiser, recorder and host, with how likely.
ROUND_TABLE_STAFF = {
    "刘敏": 0.6, "张磊": 0.85, "李娜": 0.85, "小王": 0.85, "赵鹏": 0.85, "谢经理": 0.9,
    "周建军": 0.4, "胡婷": 0.4, "黄德明": 0.8, "吴秀英": 0.8, "郑海涛": 0.8, "何丽娟": 0.8,
    "姚勇": 0.7, "马国华": 0.7, "杨丽": 0.7, "罗志强": 0.7, "高春兰": 0.8, "许晓东": 0.75,
    "宋佳怡": 0.4, "曾桂芳": 0.5, "袁立新": 0.3, "蒋文静": 0.2, "潘志刚": 0.2, "汪志远": 0.15,
}  # fmt: skip
# Who comes to a station session of each compound: its grid workers, building leaders …
STATION_STAFF = {
    "J5": {"小王": 0.9, "姚勇": 0.8, "宋佳怡": 0.6, "袁立新": 0.4, "蒋文静": 0.3},
    "澜菲溪岸一期": {"张磊": 0.9, "马国华": 0.8, "李传举": 0.6},
    "澜菲溪岸二期": {"李娜": 0.9, "张磊": 0.3, "杨丽": 0.8, "高春兰": 0.6, "韩宇航": 0.5},
    "澜菲溪岸三期": {"赵鹏": 0.9, "小王": 0.3, "罗志强": 0.8, "许晓东": 0.6, "曾桂芳": 0.6},
}
HEARING_STAFF = {"刘敏": 1, "李传举": 1, "高春兰": 1, "许晓东": 1, "黄德明": 0.5, "吴秀英": 0.5,
                 "郑海涛": 0.5, "何丽娟": 0.5, "汪志远": 0.5, "谢经理": 0.6}  # fmt: skip
CONSULTATION_STAFF = {"姚勇": 1, "小王": 1, "周建军": 1, "袁立新": 1, "蒋文静": 1, "潘志刚": 1,
                      "宋佳怡": 1, "王书记": 0.5}  # fmt: skip
REGULARS = 40  # residents who come to round tables again and again
LOCAL_REGULARS = 15  # the same, per compound, at its station


def staff_chances(script):
    """Who may come to the meeting of `script` (a name → how likely)."""
    if script.kind == texts.ROUND_TABLE:
        return ROUND_TABLE_STAFF
    if script.kind == texts.HEARING:
        return HEARING_STAFF
    if script.kind == texts.CONSULTATION:
        return CONSULTATION_STAFF
    local = {LOCAL_PROPERTY.get(script.compound, "谢经理"): 0.9}
    return {**STATION_STAFF[script.compound], **local}


class People:
    """The community's people as meetings draw on them: staff by name, residents by compound."""

    def __init__(self, demo):
        community = demo.community
        self.by_name = dict(demo.people)
        self.staff_phones = {m.phone for m in CAST if m.role}
        self.hall = Station.objects.get(community=community, kind=StationKind.HALL)
        members = Q(role__in=ROUND_TABLE_ROLES) | Q(organisation=demo.property)
        self.table = set(RoleAssignment.objects.filter(members).values_list("user", flat=True))
        self._residents(community)
        self._groups(community)
        rng = random.Random(f"{SEED}:regulars")
        everyone = list(self.compound)
        self.regulars = {None: self.sample(rng, everyone, REGULARS, 0)}
        for name in PARTY_SECRETARIES:
            local = [u for u in everyone if self.compound[u] == name]
            self.regulars[name] = self.sample(rng, local, LOCAL_REGULARS, 0)

    def _residents(self, community):
        """Residents without a role by their compound, and J5's owners; the named cast by name."""
        cast = {m.phone for m in CAST}
        rows = (
            Residency.objects.filter(
                home__unit__building__compound__community=community,
                home__is_parking_space=False,
            )
            .select_related("user", "home__unit__building__compound")
            .order_by("user__phone", "home_id")
        )
        self.compound, owners = {}, {}
        for row in rows:
            if row.user.phone in cast:
                self.by_name.setdefault(row.user.name, row.user)
                continue
            compound = row.home.unit.building.compound.name
            if row.relation == Relation.OWNER and compound == "J5":
                owners.setdefault(row.user, True)
            self.compound.setdefault(row.user, compound)
        self.owners_j5 = list(owners)

    def _groups(self, community):
        self.groups, self.members = {}, {}
        memberships = ConstituencyGroup.objects.filter(community=community).order_by("order")
        for name, user_id in memberships.values_list("name", "members"):
            self.groups.setdefault(user_id, set()).add(name)
        for user in self.compound:
            for name in self.groups.get(user.pk, ()):
                self.members.setdefault(name, []).append(user)

    def has_role(self, user):
        return user.phone in self.staff_phones

    def weight(self, user, progress):
        """Party members and elders came first; the young and new-employment workers later."""
        groups = self.groups.get(user.pk, ())
        return (
            1
            + 2 * ("党员" in groups)
            + ("银龄" in groups)
            + ("退役军人" in groups)
            + 0.5 * ("妇女儿童" in groups)
            + 0.5 * ("商户" in groups)
            + 3 * progress * ("青年" in groups)
            + 2 * progress * ("新就业群体" in groups)
        )

    def sample(self, rng, people, k, progress):
        """`k` of `people`, drawn without replacement with `weight` (Efraimidis–Spirakis)."""
        keyed = [(rng.random() ** (1 / self.weight(u, progress)), u.phone, u) for u in people]
        return [u for _key, _phone, u in sorted(keyed, reverse=True)[:k]]

    def residents_for(self, rng, script, named):
        """The residents (no role) who come to the meeting, beside those named in its script."""
        k = max(0, script.residents - len(named))
        progress = script.day / 300
        if script.kind == texts.HEARING:
            return named + self._group_representatives(rng, k, named)
        if script.kind == texts.CONSULTATION:
            pool = [u for u in self.owners_j5 if u not in named]
            return named + self.sample(rng, pool, k, progress)
        regulars = [u for u in self.regulars[script.compound] if u not in named]
        chosen = self.sample(rng, regulars, round(0.6 * k), progress)
        taken = {u.pk for u in named + chosen}
        others = [
            u
            for u, compound in self.compound.items()
            if script.compound in (None, compound) and u.pk not in taken
        ]
        return named + chosen + self.sample(rng, others, k - len(chosen), progress)

    def _group_representatives(self, rng, k, named):
        """About as many from each of the eight groups, as the hearing invited them."""
        chosen, seen = [], {u.pk for u in named}
        while len(chosen) < k:
            for name in sorted(self.members):
                free = [u for u in self.members[name] if u.pk not in seen]
                if free and len(chosen) < k:
                    chosen.append(rng.choice(free))
                    seen.add(chosen[-1].pk)
        return chosen

    def to_quorum(self, staff, chances):
        """The likeliest of the round table's missing members, until two thirds are there: a
        round table without its quorum would have been put off to another evening."""
        members = [u for u in self.by_name.values() if u.pk in self.table]
        missing = sorted(
            (u for u in members if u not in staff), key=lambda u: -chances.get(u.name, 1)
        )
        short = QUORUM - sum(1 for u in staff if u in members)
        return missing[: max(0, short)]
