"""Masking what others may see of a person: the middle of a phone number, all but a name's first,
and the phone and ID-card numbers people write into free text (DOMAIN.md §7)."""

import re


def mask_phone(phone):
    """'13812341234' → '138****1234'."""
    phone = str(phone or "")
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"


def mask_name(name):
    """'张三丰' → '张*': the family name alone, so the length is not revealed either."""
    name = (name or "").strip()
    return f"{name[0]}*" if name else ""


# One pass, the longest kind first: an ID number contains runs of digits a phone pattern would
# match otherwise. Digits may be grouped by spaces or dashes, as people write them.
NUMBERS = re.compile(
    r"(?P<id>(?<![0-9A-Za-z])\d{6}[ -]?\d{8}[ -]?\d{3}[0-9Xx](?![0-9A-Za-z]))"
    r"|(?P<mobile>(?:(?<!\d)|(?<=\+86)|(?<=0086))1[3-9]\d(?:[ -]?\d){8}(?!\d))"
    r"|(?P<landline>(?<!\d)(?P<area>\(0\d{2,3}\)|0\d{2,3})(?P<sep>[ -]?)"
    r"\d{3,4}[ -]?(?P<last>\d{4})(?!\d))"
)


def _masked(match):
    if match["id"]:
        digits = re.sub(r"[ -]", "", match["id"])
        return f"{digits[:3]}{'*' * 11}{digits[-4:]}"
    if match["mobile"]:
        return mask_phone(re.sub(r"[ -]", "", match["mobile"]))
    return f"{match['area']}{match['sep']}****{match['last']}"


def mask_text(text):
    """Free text as the public may read it: '电话13812341234' → '电话138****1234', ID-card numbers
    as '110***********0024', landlines as '027-****8888'."""
    return NUMBERS.sub(_masked, str(text or ""))
