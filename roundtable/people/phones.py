"""Mainland mobile numbers: normalising and validating (DOMAIN.md §7); masking is in common."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE = re.compile(r"^1[3-9]\d{9}$")
SEPARATORS = re.compile(r"[\s\-()（）]")


def normalize_phone(raw):
    """Digits only, without +86: '+86 138-0013-8000' becomes '13800138000'."""
    digits = SEPARATORS.sub("", str(raw or "")).strip()
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def is_mobile(raw):
    return bool(MOBILE.match(normalize_phone(raw)))


def validate_mobile(value):
    if not is_mobile(value):
        raise ValidationError(
            _("Enter a mainland mobile number of 11 digits starting with 1, e.g. 13800138000."),
            code="invalid_mobile",
        )
