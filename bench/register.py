"""A deterministic household register (花名册) of any size, for timing `import_register`."""

import csv
import random
from datetime import datetime

COLUMNS = ["小区", "楼栋", "单元", "房号", "面积", "面积来源", "姓名", "手机", "身份", "组别"]
SEED = 20261125
# Compound names the demo community does not use, so every generated home is new on first import.
COMPOUNDS = ["锦绣苑", "翠湖苑", "桂花园", "枫林苑", "海棠苑", "云栖苑",
             "望江苑", "清荷苑", "竹韵苑", "松涛苑", "梧桐苑", "兰亭苑"]  # fmt: skip
BUILDINGS, UNITS, FLOORS, ROOMS_PER_FLOOR = 20, 3, 15, 2
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志红梅海燕文辉鹏飞"
MOBILE_PREFIXES = ["135", "136", "137", "138", "139", "150", "151", "158", "186", "187", "188"]
AREA_SOURCES = ["不动产登记", "不动产登记", "不动产登记", "产权登记", "实测", "合同"]
GROUPS = ["银龄", "妇女儿童", "青年", "新就业群体", "残障人士", "退役军人", "党员", "商户"]
SECOND_RELATIONS = ["家属", "家属", "租户", "共有人"]
SECOND_PERSON_SHARE = 0.15  # rows that add a family member, tenant or co-owner to a home
REPEAT_OWNER_SHARE = 0.02  # owners who also own another home (one buyer of several units)
FIXED_TIME = datetime(2026, 11, 1, 9, 0, 0)


def homes():
    """Every home address the register can use, in a fixed order."""
    for compound in COMPOUNDS:
        for building in range(1, BUILDINGS + 1):
            for unit in range(1, UNITS + 1):
                for floor in range(1, FLOORS + 1):
                    for room in range(1, ROOMS_PER_FLOOR + 1):
                        yield compound, f"{building}栋", f"{unit}单元", f"{floor}{room:02d}"


def people(rng, count):
    """`count` distinct (name, mobile) pairs; mobiles unique by their last eight digits."""
    for suffix in rng.sample(range(10**8), count):
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
        yield name, f"{rng.choice(MOBILE_PREFIXES)}{suffix:08d}"


def rows(count, seed=SEED):
    """`count` register rows as dicts keyed by COLUMNS; the same count gives the same rows."""
    rng = random.Random(seed)
    addresses, persons = homes(), people(rng, count)
    owners, result, home = [], [], None
    while len(result) < count:
        if home is not None and rng.random() < SECOND_PERSON_SHARE:
            relation, person = rng.choice(SECOND_RELATIONS), next(persons)
            home = (*home[:4], "", "")  # the home's area is given once, on its owner's row
        else:
            home = next_home(addresses, rng)
            repeat = owners and rng.random() < REPEAT_OWNER_SHARE
            relation, person = "业主", rng.choice(owners) if repeat else next(persons)
            owners.append(person)
        result.append(row(home, person, relation, rng))
    return result


def next_home(addresses, rng):
    """The next home address with its area and the area's source."""
    try:
        address = next(addresses)
    except StopIteration:
        raise ValueError("register too large for the generated compounds") from None
    return (*address, f"{rng.uniform(45, 160):.2f}", rng.choice(AREA_SOURCES))


def row(home, person, relation, rng):
    """One register row for `person` living in `home` as `relation`, in 0 to 2 groups."""
    group = "、".join(rng.sample(GROUPS, k=rng.choices((0, 1, 2), weights=(70, 25, 5))[0]))
    return dict(zip(COLUMNS, [*home, *person, relation, group], strict=True))


def distinct_homes(count, seed=SEED):
    """How many different homes the first `count` rows name."""
    return len({tuple(r[c] for c in COLUMNS[:4]) for r in rows(count, seed)})


def write(path, count, seed=SEED):
    """Write `count` rows to `path` (.xlsx or .csv, by its suffix); return the path."""
    data = rows(count, seed)
    if path.suffix == ".csv":
        with open(path, "w", newline="", encoding="utf-8-sig") as out:
            writer = csv.DictWriter(out, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(data)
    else:
        write_xlsx(path, data)
    return path


def write_xlsx(path, data):
    """Write rows to a one-sheet workbook with fixed metadata times, as a community would."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    workbook.properties.created = workbook.properties.modified = FIXED_TIME
    sheet = workbook.create_sheet("花名册")
    sheet.append(COLUMNS)
    for item in data:
        sheet.append([item[c] for c in COLUMNS])
    workbook.save(path)
