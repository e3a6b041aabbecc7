"""clean_text and CleanTextField: what a form keeps of a text people typed or pasted."""

import unicodedata

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from roundtable.common.text import CleanTextField, clean_text

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\u00ad"]
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
        "\u200e", "\u200f", "\u061c"]  # fmt: skip
CONTROLS = [chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0x85]]


@pytest.mark.parametrize("char", INVISIBLE + BIDI + CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_each_unwanted_character_is_removed(char):
    assert clean_text(f"楼道{char}灯坏了") == "楼道灯坏了"


def test_newlines_and_tabs_stay_and_line_ends_become_newlines():
    assert clean_text("第一行\r\n第二行\r第三行\n\t第四行") == "第一行\n第二行\n第三行\n\t第四行"


def test_text_is_composed_and_trimmed():
    assert clean_text("  Cafe\u0301 \n") == "Café"
    assert clean_text("\u3000全角空格\u3000") == "全角空格"


@pytest.mark.parametrize(
    "text",
    ["<script>alert(1)</script>", '=HYPERLINK("http://x/?a="&A1,"点")', "+1", "-1", "@SUM(1)",
     "１２３", "javascript:alert(1)", "😀👍", "第1行\n\t第2行"],
)  # fmt: skip
def test_visible_text_is_kept_as_typed(text):
    assert clean_text(text) == text


def test_none_is_empty():
    assert clean_text(None) == ""


@given(st.text())
def test_what_is_left_has_no_unwanted_character_and_is_stable(text):
    cleaned = clean_text(text)
    assert not any(c in cleaned for c in INVISIBLE + BIDI + CONTROLS + ["\r"])
    assert cleaned == cleaned.strip()
    assert unicodedata.is_normalized("NFC", cleaned)


class NoteForm(forms.Form):
    note = CleanTextField(max_length=5, error_messages={"required": "empty"})


def test_the_field_refuses_a_text_of_invisible_characters_as_empty():
    form = NoteForm({"note": "".join(INVISIBLE + BIDI) + "\x00 \u3000"})
    assert form.errors == {"note": ["empty"]}


def test_the_field_counts_the_length_of_the_clean_text():
    form = NoteForm({"note": "12345\u200b\u200b\x00"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["note"] == "12345"
    assert not NoteForm({"note": "123456"}).is_valid()
