"""The category taxonomy seed data (DOMAIN.md §6) holds together; no database."""

import dataclasses
import re
from collections import Counter

import pytest

from roundtable.people.models import OrganisationKind
from roundtable.suggestions import taxonomy
from roundtable.suggestions.similarity import normalise
from roundtable.suggestions.taxonomy import CATEGORIES, by_code, children, top_level

SUBCATEGORIES = [c for c in CATEGORIES if c.parent_code is not None]

# DOMAIN.md §6, word for word; 08 and 10 list no subcategories there.
DOMAIN_NAMES = {
    "01": ("消防与安全", "楼道杂物 占用消防通道 电动车入户/飞线充电 高空抛物 消防设施损坏"),
    "02": ("电动车与停车", "车棚/充电设施 乱停车 车位分配 僵尸车"),
    "03": ("环境卫生", "垃圾分类/清运 装修垃圾 下水堵塞 病媒"),
    "04": ("邻里与秩序", "噪音 宠物扰民 油烟 群租 邻里纠纷"),
    "05": ("房屋与设施", "渗漏 楼上漏水 电梯 路灯 门禁监控 游乐健身设施 道路破损 二次供水"),
    "06": ("绿化与公共空间", "绿化养护 毁绿种菜 违章搭建 公共空间改造/使用公约"),
    "07": ("物业服务", "服务质量 物业费/公共收益公开 维修资金 业委会事务"),
    "08": ("水电气热", ""),
    "09": ("民生服务", "养老助餐 托育 救助咨询 新就业群体"),
    "10": ("建议与表扬", ""),
}


def test_codes_are_unique_and_well_formed():
    codes = [c.code for c in CATEGORIES]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"\d\d(\.\d\d)?", code) for code in codes)
    assert codes == sorted(codes)


def test_there_are_ten_top_level_categories_01_to_10():
    assert [c.code for c in top_level()] == [f"{n:02d}" for n in range(1, 11)]


def test_every_subcategory_has_an_existing_parent_and_every_parent_children():
    top_codes = {c.code for c in top_level()}
    assert {c.parent_code for c in SUBCATEGORIES} == top_codes
    assert all(children(code) for code in top_codes)


@pytest.mark.parametrize("code", sorted(DOMAIN_NAMES))
def test_names_follow_domain_section_6(code):
    name, subcategory_names = DOMAIN_NAMES[code]
    assert by_code(code).name == name
    assert set(subcategory_names.split()) <= {c.name for c in children(code)}


def test_names_are_unique():
    assert not [n for n, k in Counter(c.name for c in CATEGORIES).items() if k > 1]


def test_owner_kinds_are_the_organisation_kinds():
    assert taxonomy.OWNER_KINDS == set(OrganisationKind.values)
    assert all(c.owner_kind in taxonomy.OWNER_KINDS for c in CATEGORIES)


def test_deadlines_are_those_of_domain_section_3():
    for category in CATEGORIES:
        assert category.accept_hours in (2, 24), category
        assert category.respond_days in (2, 5, 15), category
        assert category.urgent == (category.accept_hours == 2)


def test_urgent_categories_are_safety_and_supply_failures():
    urgent = {c.code for c in CATEGORIES if c.urgent}
    assert {"01.02", "01.03", "01.05", "08.03"} <= urgent
    assert all(code[:2] in ("01", "05", "08") for code in urgent)


def test_consultations_get_two_days_and_complaints_fifteen():
    assert by_code("09.03").respond_days == 2
    assert all(c.respond_days == 15 for c in children("04"))


def test_joint_decisions_are_civil_code_article_278_matters():
    joint = {c.code for c in CATEGORIES if c.needs_joint_decision}
    # 车棚/充电设施 on common land is matter (8), 维修资金 (5)-(6), 业委会 (3)-(4).
    assert joint == {"02.01", "02.03", "06.04", "07.03", "07.04"}


@pytest.mark.parametrize("category", SUBCATEGORIES, ids=lambda c: c.code)
def test_subcategories_have_8_to_25_distinct_keywords(category):
    assert 8 <= len(category.keywords) <= 25
    assert len(set(category.keywords)) == len(category.keywords)
    assert all(word and normalise(word) and " " not in word for word in category.keywords)


def test_top_level_categories_have_a_few_broad_keywords():
    assert all(3 <= len(c.keywords) <= 10 for c in top_level())


def test_problem_kinds_do_not_repeat_a_word():
    words = [w for ws in taxonomy.PROBLEMS.values() for w in ws.split()]
    assert len(words) == len(set(words))


def test_categories_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        by_code("01").name = "安全"


def test_by_code_refuses_an_unknown_code():
    with pytest.raises(KeyError):
        by_code("11")
