"""Free text as people type or paste it, made safe to store, show, search and export.

What a form keeps of a text (issue 13): no control characters but newline and tab (a NUL breaks
PostgreSQL, others break the .xlsx export and terminals), no zero-width characters (a text made
only of them looks empty and must be refused as empty; between words they defeat search and
duplicate detection), no bidi controls (U+202E turns "gpj.exe" into what reads as "exe.jpg"),
composed as Unicode NFC (so "é" typed two ways is one text), without surrounding spaces, and
with Windows and old Mac line ends as "\\n". Everything else, HTML and formula-like text
included, is kept as typed: templates escape it and exports write it as text.
"""

import re
import unicodedata

from django import forms

# C0 controls but tab and newline, DEL, and the C1 controls; CR is turned into a newline first.
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
# Zero-width space, non-joiner, joiner, word joiner, invisible operators, byte order mark;
# soft hyphen and the Mongolian vowel separator, invisible in running text too.
_ZERO_WIDTH = "\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff"
# Bidi marks, embeddings, overrides and isolates (LRM, RLM, ALM, LRE…RLO, LRI…PDI).
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNWANTED = re.compile(f"[{_CONTROLS}{_ZERO_WIDTH}{_BIDI}]")
_LINE_ENDS = re.compile(r"\r\n?")


def clean_text(value):
    """`value` without control, zero-width and bidi characters, NFC, trimmed ("" for None).

    >>> clean_text(" a\\u200bb\\x00c\\u202e\\r\\n ")
    'abc'
    """
    if value is None:
        return ""
    text = _LINE_ENDS.sub("\n", str(value))
    return unicodedata.normalize("NFC", _UNWANTED.sub("", text)).strip()


class CleanTextField(forms.CharField):
    """A CharField that keeps only clean text (clean_text) before it checks length or emptiness,
    so a text of nothing but invisible characters is refused as empty."""

    def to_python(self, value):
        if value not in self.empty_values:
            value = clean_text(value)
        return super().to_python(value)
