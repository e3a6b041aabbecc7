"""The demo household register, generated from a fixed seed: the same rows on every run."""

import hashlib
import random
from dataclasses import dataclass, field, replace

from roundtable.people.models import DEFAULT_GROUPS
from roundtable.people.register_import import COLUMNS

from . import names
from .cast import ADMIN, CAST, residents
from .layout import COMPOUNDS, SURVEYED, plan_homes, plan_parking

SEED = 20260517
REGISTER_YEAR = 2026  # ages are as of the year the register was taken
OWNER, CO_OWNER, TENANT, FAMILY = "业主", "共有人", "租户", "家属"


@dataclass
class Person:
    phone: str
    name: str
    age: int
    sex: str
    groups: tuple = ()

    @property
    def surname(self):
        return self.name[0]


@dataclass
class Roster:
    """Register rows plus the homes the developer still holds (no rows: nobody lives there)."""

    rows: list = field(default_factory=list)
    developer_homes: list = field(default_factory=list)
    households: int = 0

    def phones(self):
        return sorted({row["手机"] for row in self.rows})

    def digest(self):
        """A fingerprint of every row, independent of row order."""
        lines = sorted("|".join(row[c] for c in COLUMNS) for row in self.rows)
        return hashlib.sha256("\n".join(lines).encode()).hexdigest()


class _Draw:
    """The random draws of one roster: people, households and group membership."""

    def __init__(self, seed, named):
        self.rng = random.Random(f"{seed}:people")
        self.taken = {m.phone for m in named}
        self.reserved = {m.name for m in named}  # a named person's name stays unique

    def person(self, age, sex=None, surname=None, tenant=False):
        """A new resident with a fresh phone and the groups someone like them joins."""
        sex = sex or ("m" if self.rng.random() < 0.5 else "f")
        name = names.full_name(self.rng, age, sex, surname)
        while name in self.reserved:
            name = names.full_name(self.rng, age, sex, surname)
        phone = names.new_phone(self.rng, self.taken)
        return Person(phone, name, age, sex, self.groups(age, sex, tenant))

    def groups(self, age, sex, tenant):
        """Constituency groups drawn by age, sex and tenure; several are possible."""
        rng, chosen = self.rng, set()
        chances = [
            ("银龄", 1.0 if age >= 60 else 0.0),
            ("妇女儿童", 0.4 if sex == "f" and 26 <= age <= 45 else 0.0),
            ("青年", 0.35 if 18 <= age <= 35 else 0.0),
            ("新就业群体", (0.22 if tenant else 0.03) if 20 <= age <= 45 else 0.0),
            ("残障人士", 0.05 if age >= 70 else 0.015),
            ("退役军人", 0.06 if sex == "m" and age >= 40 else 0.0),
            ("党员", 0.14 if age >= 60 else 0.07),
            ("商户", 0.03 if 30 <= age <= 60 else 0.0),
        ]
        for group, chance in chances:
            if chance and rng.random() < chance:
                chosen.add(group)
        return tuple(g for g in DEFAULT_GROUPS if g in chosen)

    def owner_age(self):
        low, high = self.rng.choices([(25, 35), (36, 59), (60, 86)], weights=[21, 50, 29])[0]
        return self.rng.randint(low, high)

    def family(self, owner):
        """Spouse, a grown child and an elderly parent, each drawn by the owner's age."""
        rng, members = self.rng, []
        spouse = None
        if rng.random() < (0.55 if owner.age < 30 else 0.6 if owner.age >= 75 else 0.85):
            sex = "f" if owner.sex == "m" else "m"
            spouse = self.person(max(22, owner.age + rng.randint(-4, 4)), sex)
            members.append((spouse, CO_OWNER if rng.random() < 0.4 else FAMILY))
        father = owner if owner.sex == "m" or spouse is None else spouse
        if owner.age >= 50 and rng.random() < 0.4:
            members.append(
                (self.person(owner.age - rng.randint(24, 30), surname=father.surname), FAMILY)
            )
        if 30 <= owner.age <= 55 and rng.random() < 0.2:
            sex = "f" if rng.random() < 0.6 else "m"
            surname = father.surname if sex == "m" else None
            members.append(
                (self.person(min(95, owner.age + rng.randint(24, 30)), sex, surname), FAMILY)
            )
        return members

    def tenants(self, first=None):
        """One to three tenants of a rented flat; `first` is a named one."""
        count = self.rng.choices([1, 2, 3], weights=[45, 40, 15])[0]
        people = [first] if first else []
        while len(people) < count:
            people.append(self.person(self.rng.randint(21, 42), tenant=True))
        return [(p, TENANT) for p in people]


def _cast_person(member):
    return Person(member.phone, member.name, member.age, member.sex, member.groups)


def _household(draw, member, pool):
    """The residents of one delivered flat: owner-occupied, rented, or the owner alone."""
    rng = draw.rng
    if member and member.relation == TENANT:
        tenure = "rented"
    else:
        tenure = "owned" if member else rng.choices(["owned", "rented", "empty"], [75, 18, 7])[0]
    if tenure == "owned":
        owner = _cast_person(member) if member else draw.person(draw.owner_age())
        if not member:
            pool.append(owner)
        return [(owner, OWNER), *draw.family(owner)]
    if tenure == "rented":
        # A quarter of let flats belong to someone who lives in another flat here.
        investor = pool and rng.random() < 0.25
        owner = rng.choice(pool) if investor else draw.person(rng.randint(35, 70))
        return [(owner, OWNER), *draw.tenants(_cast_person(member) if member else None)]
    return [(draw.person(rng.randint(30, 75)), OWNER)]


def _rows(home, members):
    """Register rows of one home; as in a real register, only its first row gives the area."""
    return [_row(home, p, r, with_area=i == 0) for i, (p, r) in enumerate(members)]


def _row(home, person, relation, with_area=True):
    return {
        "小区": home.compound,
        "楼栋": home.building,
        "单元": home.unit,
        "房号": home.room,
        "面积": str(home.area) if with_area else "",
        "面积来源": home.source if with_area else "",
        "姓名": person.name,
        "手机": person.phone,
        "身份": relation,
        "组别": "、".join(person.groups),
        "出生年份": str(REGISTER_YEAR - person.age),
    }


def _unsold(rng, compound, flats, named):
    """Flats of `compound` the developer still holds, never one a named person lives in."""
    free = [f for f in flats if f.key not in named]
    return {f.key for f in rng.sample(free, compound.unsold)}


def generate(seed=SEED):
    """The whole register of the demo community, deterministic for a given seed."""
    layout_rng, named = random.Random(f"{seed}:layout"), residents()
    draw = _Draw(seed, CAST + [ADMIN])
    roster = Roster()
    for compound in COMPOUNDS:
        flats = plan_homes(layout_rng, compound)
        held = _unsold(layout_rng, compound, flats, named)
        pool = []
        for flat in flats:
            if flat.key in held:
                roster.developer_homes.append(replace(flat, source=SURVEYED))
                continue
            roster.households += 1
            roster.rows += _rows(flat, _household(draw, named.get(flat.key), pool))
        _parking(layout_rng, draw.rng, compound, pool, roster)
    return roster


def _parking(layout_rng, rng, compound, pool, roster):
    """Garage spaces: most bought by owners living in the compound, the rest held unsold."""
    for space in plan_parking(layout_rng, compound):
        if pool and rng.random() < 0.6:
            roster.rows.append(_row(space, rng.choice(pool), OWNER))
        else:
            roster.developer_homes.append(space)
