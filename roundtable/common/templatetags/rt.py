"""Template filters shared by every app: Chinese-style dates and masking."""

from django import template

from roundtable.common.dates import cn_date, cn_datetime
from roundtable.common.masking import mask_name, mask_phone, mask_text

register = template.Library()

register.filter("cn_datetime", cn_datetime)
register.filter("cn_date", cn_date)
register.filter("masked_phone", mask_phone)
register.filter("masked_name", mask_name)
# Free text shown to the public: before linebreaksbr/truncatechars, which escape it.
register.filter("masked_text", mask_text)
