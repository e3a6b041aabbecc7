"""Suggestions to an .xlsx workbook with Chinese headers, for staff spreadsheets; no phones."""

from io import BytesIO

from django.db.models import Q
from django.utils import timezone
from openpyxl import Workbook

from roundtable.common.masking import mask_text
from roundtable.common.spreadsheets import append_row

from .models import Rating

# The headers are the words of the 12345 ledgers staff already keep, so they stay in Chinese.
COLUMNS = (
    ("编号", lambda s: s.reference),
    ("提交时间", lambda s: _time(s.submitted_at)),
    ("渠道", lambda s: str(s.get_channel_display())),
    ("类别", lambda s: s.category.name if s.category else ""),
    ("小区", lambda s: s.compound.name if s.compound else ""),
    ("楼栋", lambda s: s.building.name if s.building else ""),
    ("网格", lambda s: s.grid.name if s.grid else ""),
    ("状态", lambda s: str(s.get_status_display())),
    ("承办单位", lambda s: s.owner.name if s.owner else ""),
    ("派单时间", lambda s: _time(s.dispatched_at)),
    ("签收期限", lambda s: _time(s.accept_by)),
    ("签收时间", lambda s: _time(s.accepted_at)),
    ("办结期限", lambda s: _time(s.resolve_by)),
    ("答复时间", lambda s: _time(s.responded_at)),
    ("办结时间", lambda s: _time(s.closed_at)),
    ("评价", lambda s: str(Rating(s.rating).label) if s.rating else ""),
    ("是否超期", lambda s: "是" if s.is_overdue else "否"),
    ("12345工单号", lambda s: s.hotline_number),
    ("内容", lambda s: s.text),
    ("办理结果", lambda s: s.result),
)
RELATED = ("category", "compound", "building", "grid", "owner")
# What people write: its phone and ID-card numbers masked for readers who may not see phones.
FREE_TEXT = {"内容", "办理结果"}


def _time(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _masked(columns):
    return [
        (header, (lambda s, value=value: mask_text(value(s))) if header in FREE_TEXT else value)
        for header, value in columns
    ]


def export_xlsx(queryset, *, masked=False):
    """One header row and one row per suggestion of `queryset`; returns the workbook's bytes.
    `masked`: numbers written into the free text masked (a reader who may not see phones)."""
    columns = _masked(COLUMNS) if masked else COLUMNS
    book = Workbook(write_only=True)
    sheet = book.create_sheet("意见建议")
    append_row(sheet, [header for header, _value in columns])
    for suggestion in queryset.select_related(*RELATED).iterator(chunk_size=2000):
        append_row(sheet, [value(suggestion) for _header, value in columns])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def filter_by_params(queryset, params):
    """The triage board's filters (status, category, compound, grid, channel, overdue).

    A stand-in until roundtable/suggestions/filters.py provides filter_suggestions().
    """
    q = Q()
    for name in ("status", "channel"):
        if params.get(name):
            q &= Q(**{name: params[name]})
    for name in ("compound", "grid"):
        if params.get(name, "").isdigit():
            q &= Q(**{f"{name}_id": int(params[name])})
    if params.get("category", "").isdigit():
        category = int(params["category"])
        q &= Q(category_id=category) | Q(category__parent_id=category)
    if params.get("overdue"):
        return queryset.filter(q).filter(Q(is_overdue=True) | Q(pk__in=queryset.overdue()))
    return queryset.filter(q)
