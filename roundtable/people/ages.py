"""Age bands from an optional year of birth: only for counting who takes part, never shown
person by person. "Young" is 14–35, as the national youth development plan
(《中长期青年发展规划》) defines it; 60 and over are older people (《老年人权益保障法》)."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EARLIEST = 1900
# (key, label, lowest age, highest age or None); "young" is the second band.
BANDS = [
    ("under_14", _("under 14"), 0, 13),
    ("young", _("14–35 (young)"), 14, 35),
    ("36_59", _("36–59"), 36, 59),
    ("60_plus", _("60 and over"), 60, None),
]
UNKNOWN = "unknown"
UNKNOWN_LABEL = _("year of birth not given")


def band(birth_year, year):
    """The key of the band of someone born in `birth_year`, in `year`; UNKNOWN without one."""
    if birth_year is None:
        return UNKNOWN
    age = year - birth_year
    return next(
        key for key, _label, low, high in BANDS if age >= low and (high is None or age <= high)
    )


def check_birth_year(value):
    """`value` as a year of birth (None when empty); ValidationError when it cannot be one."""
    if value in (None, ""):
        return None
    text = str(value).strip().removesuffix("年")
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    this_year = timezone.localdate().year
    if not text.isdigit() or not EARLIEST <= int(text) <= this_year:
        raise ValidationError(
            _("Give the year of birth as four digits, from %(earliest)s to %(latest)s.")
            % {"earliest": EARLIEST, "latest": this_year},
            code="birth_year",
        )
    return int(text)
