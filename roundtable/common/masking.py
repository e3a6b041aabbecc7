"""Masking what others may see of a person: the middle of a phone number, all but a name's first."""


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
