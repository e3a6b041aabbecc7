"""The demo community's places as plain data: compounds, buildings, homes, grids and stations."""

from dataclasses import dataclass
from decimal import Decimal
from itertools import product

STREET = {"name": "四新街道", "district": "汉阳区", "city": "武汉市"}
COMMUNITY = {
    "name": "澜菲溪岸社区",
    "code": "lf",
    "address": "武汉市汉阳区四新南路88号 澜菲溪岸社区党群服务中心",
}

CENT = Decimal("0.01")
GARAGE = "地下车库"
GARAGE_UNIT = "负一层"

# Area sources as the register import names them, in the order Art. 278 counting prefers.
REGISTER, SURVEYED, CONTRACT = "不动产登记", "实测", "合同"


@dataclass(frozen=True)
class BuildingPlan:
    name: str
    units: int
    floors: int
    per_floor: int  # homes per floor in each unit
    areas: tuple  # floor-plan area (m²) of each position on a floor
    duplex_top: bool = False  # the top floor holds larger duplex flats


@dataclass(frozen=True)
class CompoundPlan:
    name: str
    address: str
    sources: tuple  # weights of (register, surveyed, contract) area figures
    buildings: tuple
    parking_spaces: int = 0
    unsold: int = 0  # flats the developer still holds


def _buildings(names, units, floors, areas, duplex_top=False):
    """Plans for buildings of one type."""
    return tuple(
        BuildingPlan(f"{n}栋", units, floors, len(areas), areas, duplex_top) for n in names
    )


COMPOUNDS = (
    CompoundPlan(
        "澜菲溪岸一期",
        "四新南路88号",
        (92, 8, 0),
        _buildings([1, 2], 2, 18, ("89.46", "118.72"))
        + _buildings([3, 4], 2, 18, ("78.35", "96.12"))
        + _buildings([5, 6], 1, 11, ("132.60", "139.84")),
    ),
    CompoundPlan(
        "澜菲溪岸二期",
        "四新南路96号",
        (85, 10, 5),
        _buildings([1, 2, 3], 2, 26, ("92.18", "126.45"))
        + _buildings([4, 5], 2, 26, ("86.70", "108.33"))
        + _buildings([6, 7], 1, 18, ("139.62", "143.50"), duplex_top=True),
        parking_spaces=60,
        unsold=4,
    ),
    CompoundPlan(
        "澜菲溪岸三期",
        "芳草路22号",
        (70, 20, 10),
        _buildings([1, 2], 2, 32, ("98.60", "121.88"))
        + _buildings([3, 4], 2, 32, ("71.25", "89.90"))
        + _buildings([5], 3, 18, ("62.40", "75.80")),
        parking_spaces=80,
        unsold=14,
    ),
    CompoundPlan(
        "J5",
        "芳草路36号（金地澜菲溪岸J5）",
        (40, 30, 30),
        _buildings([1, 3], 2, 33, ("95.32", "115.60"), duplex_top=True)
        + _buildings([2, 4], 2, 33, ("128.70", "142.36")),
        parking_spaces=90,
        unsold=30,
    ),
)

# Each grid is a set of (compound, building) pairs; garages go with their compound's grid.
GRIDS = {
    "第一网格": [("澜菲溪岸一期", f"{n}栋") for n in range(1, 7)]
    + [("澜菲溪岸二期", "6栋"), ("澜菲溪岸二期", "7栋")],
    "第二网格": [("澜菲溪岸二期", f"{n}栋") for n in range(1, 6)] + [("澜菲溪岸二期", GARAGE)],
    "第三网格": [("J5", f"{n}栋") for n in range(1, 5)] + [("J5", GARAGE), ("澜菲溪岸三期", "5栋")],
    "第四网格": [("澜菲溪岸三期", f"{n}栋") for n in range(1, 5)] + [("澜菲溪岸三期", GARAGE)],
}

EVENING_HOURS = "每日 9:00–12:00、18:30–21:00"

# (name, kind, compound or None, address, opening hours)
STATIONS = [
    (f"{c.name}红色驿站 · 微光议站", "red_station", c.name, f"{c.address} 1栋架空层", EVENING_HOURS)
    for c in COMPOUNDS
] + [
    (
        "澜菲溪岸社区居民议事厅 · 星空圆桌",
        "hall",
        None,
        "社区党群服务中心二楼",
        "每月星空圆桌 19:30",
    ),
    ("澜菲溪岸社区党群服务中心", "service_centre", None, "四新南路88号", "周一至周日 9:00–21:00"),
]

# (key, name, kind, serves only this community?, public phone)
ORGANISATIONS = [
    ("committee", "澜菲溪岸社区居民委员会", "residents_committee", True, "027-84561230"),
    ("property", "澜菲溪岸物业服务中心", "property_company", True, "027-84561888"),
    ("owners", "J5小区业主委员会", "owners_committee", True, ""),
    ("street", "四新街道社会工作办公室", "street_department", False, "027-84562100"),
    ("water", "武汉市水务集团汉阳供水服务中心", "utility", False, "027-85855000"),
    ("merchant", "四新惠民超市（澜菲溪岸店）", "merchant", True, "027-84563321"),
    ("social", "汉阳区益邻社会工作服务中心", "social_organisation", True, "027-84567711"),
]


@dataclass(frozen=True)
class HomePlan:
    """One home as the register import names it, with the area figure it carries."""

    compound: str
    building: str
    unit: str
    room: str
    area: Decimal
    source: str
    parking: bool = False

    @property
    def key(self):
        return (self.compound, self.building, self.unit, self.room)


def plan_homes(rng, compound):
    """Every flat of `compound`, floor by floor, with its area and area source."""
    homes = []
    for b in compound.buildings:
        floors = product(range(1, b.units + 1), range(1, b.floors + 1), enumerate(b.areas, 1))
        for unit, floor, (position, area) in floors:
            duplex = b.duplex_top and floor == b.floors
            size = Decimal(area) * (Decimal("1.72") if duplex else 1)
            room = f"{floor}{position:02d}"
            homes.append(_home(rng, compound, b.name, f"{unit}单元", room, size))
    return homes


def _home(rng, compound, building, unit, room, size):
    """A flat whose area figure comes from a source drawn with the compound's weights."""
    source = rng.choices((REGISTER, SURVEYED, CONTRACT), weights=compound.sources)[0]
    spread = {REGISTER: 0, SURVEYED: 60, CONTRACT: 150}[source]
    area = (size + Decimal(rng.randint(-spread, spread)) / 100).quantize(CENT)
    return HomePlan(compound.name, building, unit, room, area, source)


def plan_parking(rng, compound):
    """The parking spaces in `compound`'s garage: contract areas, some registered with shares."""
    spaces = []
    for n in range(1, compound.parking_spaces + 1):
        registered = rng.random() < 0.3
        area = Decimal(rng.randint(2800, 3500) if registered else rng.randint(1200, 1650)) / 100
        source = REGISTER if registered else CONTRACT
        room = f"B1-{n:03d}"
        spaces.append(
            HomePlan(
                compound.name, GARAGE, GARAGE_UNIT, room, area.quantize(CENT), source, parking=True
            )
        )
    return spaces
