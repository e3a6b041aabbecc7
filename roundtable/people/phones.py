"""Mainland mobile numbers: normalising and validating (DOMAIN.md §7); masking is in common."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# ASCII digits only: Python's \d also matches full-width and other scripts' digits, and
# '13９00000001' passed as a second account beside '13900000001'.
MOBILE = re.compile(r"1[3-9][0-9]{9}", re.ASCII)
SEPARATORS = re.compile(r"[\s\-‐‑‒–—()]")


def normalize_phone(raw):
    """ASCII digits without separators or +86: '＋86 138-0013-8000' becomes '13800138000'.

    Every number a person types or a file carries goes through here before it is compared,
    stored or counted; NFKC turns full-width digits, plus signs, dashes and spaces into ASCII.
    """
    digits = SEPARATORS.sub("", unicodedata.normalize("NFKC", str(raw or "")))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def is_mobile(raw):
    return bool(MOBILE.fullmatch(normalize_phone(raw)))


def validate_mobile(value):
    if not is_mobile(value):
        raise ValidationError(
            _("Enter a mainland mobile number of 11 digits starting with 1, e.g. 13800138000."),
            code="invalid_mobile",
        )
