"""The register's columns, the values its cells may take, and the import's limits."""

import re
from decimal import Decimal

from roundtable.places.models import AreaSource

from ..models import Relation

COLUMNS = ["小区", "楼栋", "单元", "房号", "面积", "面积来源", "姓名", "手机", "身份", "组别"]
# Read where the header has them; a register without them imports as before.
OPTIONAL_COLUMNS = ["出生年份"]
HOME_COLUMNS = ("小区", "楼栋", "单元", "房号")
MAX_LENGTH = {"小区": 100, "楼栋": 50, "单元": 50, "房号": 20, "姓名": 50}
SOURCES = {
    "不动产登记": AreaSource.REGISTER,
    "登记": AreaSource.REGISTER,
    "产权登记": AreaSource.REGISTER,
    "实测": AreaSource.SURVEYED,
    "合同": AreaSource.CONTRACT,
    "预售合同": AreaSource.CONTRACT,
}
AREA_FIELDS = {
    AreaSource.REGISTER: "area_register",
    AreaSource.SURVEYED: "area_surveyed",
    AreaSource.CONTRACT: "area_contract",
}
RELATIONS = {
    "业主": Relation.OWNER,
    "共有人": Relation.CO_OWNER,
    "租户": Relation.TENANT,
    "家属": Relation.FAMILY,
}
GROUP_SEPARATORS = re.compile(r"[、，,;；/\s]+")
AREA_UNITS = re.compile(r"\s*(平方米|平米|㎡|m²|m2)$", re.IGNORECASE)
MAX_AREA = Decimal(10000)
MAX_ROWS = 100_000
BATCH = 1000
