"""Masking phone and ID-card numbers written into free text (DOMAIN.md §7), and its filter."""

import pytest
from django.template import Context, Template

from roundtable.common.masking import mask_text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("电话13812341234，谢谢", "电话138****1234，谢谢"),
        ("电话 138 1234 1234 找我", "电话 138****1234 找我"),
        ("电话138-1234-1234。", "电话138****1234。"),
        ("+86 13812341234", "+86 138****1234"),
        ("座机027-8888 8888", "座机027-****8888"),
        ("座机027-88888888", "座机027-****8888"),
        ("座机(027)88888888", "座机(027)****8888"),
        ("身份证110105199003070024", "身份证110***********0024"),
        ("身份证11010519900307002X号", "身份证110***********002X号"),
        ("身份证11010519900307002x", "身份证110***********002x"),
    ],
    ids=[
        "mobile",
        "mobile-spaces",
        "mobile-dashes",
        "mobile-country-code",
        "landline-space",
        "landline",
        "landline-brackets",
        "id-card",
        "id-card-x",
        "id-card-small-x",
    ],
)
def test_phone_and_id_numbers_in_text_are_masked(text, masked):
    assert mask_text(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "3栋2单元301室，共120个车位",
        "编号LF-2026-000123",
        "2026年11月25日19:00",
        "12345热线",
        "工单号20261125000123",
        "",
    ],
)
def test_other_numbers_are_left_alone(text):
    assert mask_text(text) == text


def test_none_is_empty():
    assert mask_text(None) == ""


def test_the_filter_masks_and_still_escapes():
    html = Template("{% load rt %}{{ text|masked_text|linebreaksbr }}").render(
        Context({"text": "<b>电话13812341234</b>\n谢谢"})
    )
    assert html == "&lt;b&gt;电话138****1234&lt;/b&gt;<br>谢谢"
