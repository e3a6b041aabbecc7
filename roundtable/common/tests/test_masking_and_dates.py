import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import RequestFactory
from django.utils import translation

from roundtable.common.dates import cn_date, cn_datetime
from roundtable.common.http import safe_next
from roundtable.common.masking import mask_name, mask_phone


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("13812341234", "138****1234"), ("123", "***"), ("", ""), (None, "")],
)
def test_a_phone_keeps_its_first_three_and_last_four_digits(phone, masked):
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("name", "masked"), [("张三丰", "张*"), ("李四", "李*"), (" ", ""), (None, "")]
)
def test_a_name_keeps_its_first_character_alone(name, masked):
    assert mask_name(name) == masked


def test_a_moment_reads_in_local_time_with_its_weekday():
    moment = dt.datetime(2026, 11, 25, 11, 0, tzinfo=ZoneInfo("UTC"))
    with translation.override("zh-hans"):
        assert cn_datetime(moment) == "2026年11月25日 星期三 19:00"
        assert cn_date(moment) == "2026年11月25日 星期三"
    with translation.override("en"):
        assert cn_datetime(moment) == "Wed 25 Nov 2026 19:00"


def test_a_date_has_no_time_and_nothing_reads_as_empty():
    with translation.override("zh-hans"):
        assert cn_datetime(dt.date(2026, 11, 29)) == "2026年11月29日 星期日"
        assert cn_datetime(None) == ""


@pytest.mark.parametrize(
    ("target", "expected"),
    [("/me/", "/me/"), ("https://elsewhere.example/", "/fallback/"), ("", "/fallback/")],
)
def test_next_stays_on_this_site(target, expected):
    request = RequestFactory().get("/", {"next": target})
    assert safe_next(request, "/fallback/") == expected
