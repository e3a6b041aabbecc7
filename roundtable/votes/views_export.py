"""Downloads: the electorate and result sheet as .xlsx for officers (and a city's government
system, where binding owner votes run there), the anonymised ballot file and receipt list for
anyone once the poll has closed.

The published files are served byte for byte as `results` builds them, so their SHA-256 equals
the digest written to the audit log when the poll closed.
"""

from decimal import Decimal, InvalidOperation
from io import BytesIO

from django.http import Http404, HttpResponse
from django.utils import timezone
from openpyxl import Workbook

from roundtable.common.spreadsheets import append_row
from roundtable.people.permissions import Perm, may

from . import results
from .models import Status
from .rules import Method
from .views_common import poll_for_officer, public_poll, require
from .views_results import presented

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Chinese headers: the words of the sheets street offices and city systems already use.
ELECTORATE = ("序号", "投票人", "房屋", "专有部分面积(㎡)", "人数", "分组", "可网上投票",
              "选票编号", "是否已投票", "投票渠道", "投票时间")  # fmt: skip


def _download(data, content_type, filename):
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _book(sheets):
    """An .xlsx of {sheet name: rows}."""
    book = Workbook(write_only=True)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            append_row(sheet, row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def electorate_xlsx(request, pk):
    poll = poll_for_officer(request.user, pk)
    require(request.user, Perm.RUN_POLL, poll)
    if poll.status == Status.DRAFT:
        raise Http404  # the electorate is frozen when the poll opens
    names = may(request.user, Perm.VIEW_REGISTER, poll.scope)
    rows = [ELECTORATE]
    voters = poll.voters.select_related("user").prefetch_related("ballots", "sheets")
    for number, voter in enumerate(voters.order_by("pk"), start=1):
        rows.append(_electorate_row(number, voter, names))
    data = _book({"投票人名册": rows})
    return _download(data, XLSX, f"poll-{poll.pk}-electorate.xlsx")


def _electorate_row(number, voter, names):
    ballot = next(iter(voter.ballots.all()), None)
    sheet = next(iter(voter.sheets.all()), None)
    person = ""
    if voter.user is not None:
        person = voter.user.name if names else voter.user.masked_name
    elif voter.key == "developer":
        person = "开发建设单位（未交付房屋）"
    when = timezone.localtime(ballot.cast_at).replace(tzinfo=None) if ballot else None
    return (
        number, person, voter.label, voter.area, voter.heads, voter.group_label,
        "是" if voter.user_id else "否", sheet.serial if sheet else "",
        "是" if ballot else "否", str(ballot.get_channel_display()) if ballot else "", when,
    )  # fmt: skip


def result_xlsx(request, pk):
    poll = poll_for_officer(request.user, pk)
    require(request.user, Perm.RUN_POLL, poll)
    if poll.status != Status.CLOSED:
        raise Http404  # a result sheet exists once the poll has closed
    options = list(poll.options.all())
    view = presented(poll, results.shown_now(poll), options)
    data = _book({"表决结果": _result_rows(poll, view)})
    return _download(data, XLSX, f"poll-{poll.pk}-result.xlsx")


def _result_rows(poll, view):
    local = timezone.localtime
    rows = [
        ("社区", poll.community.name),
        ("议题", poll.question),
        ("范围", str(poll.scope)),
        ("表决方式", str(poll.get_method_display())),
        ("决定规则", str(poll.get_rule_display())),
        ("未参与表决者", str(poll.get_non_voter_policy_display()), poll.policy_clause),
        ("性质", "仅供参考（有约束力的表决在政府平台进行）" if poll.advisory else "本平台表决"),
        ("开始", local(poll.opens_at).replace(tzinfo=None)),
        ("结束", local(poll.closed_at).replace(tzinfo=None)),
        ("应参与人数", poll.electorate_heads),
        ("应参与面积(㎡)", poll.electorate_area),
        (),
        ("选项", "票数", "人数", "面积(㎡)", "占投票比例"),
    ]
    for a in view["answers"]:
        mean = [_number(a["mean"])] if poll.method == Method.SCORE else []
        area = _number(a["area"])
        rows.append((str(a["title"]), a["votes"], a["heads"], area, a["share"], *mean))
    for d in view["decisions"]:
        rows += [(), (f"表决结果：{d['title']}", "通过" if d["passed"] else "未通过")]
        rows.append(("条件", "数值", "比较", "是否满足"))
        for c in d["conditions"]:
            rows.append((str(c["label"]), c["numbers"], c["shown"], "是" if c["holds"] else "否"))
    rows += [(), ("分组", "已投人数", "应投人数", "参与率", "已投面积(㎡)", "应投面积(㎡)")]
    for g in view["groups"]:
        rows.append((str(g["label"]), g["heads"], g["electorate_heads"], g["heads_share"],
                     _number(g["area"]), _number(g["electorate_area"])))  # fmt: skip
    rows += [(), ("投票渠道", "人数", "面积(㎡)", "占比")]
    for c in view["channels"]:
        rows.append((str(c["label"]), c["heads"], _number(c["area"]), c["share"]))
    return rows


def _number(text):
    """A figure shown as text, back as a number for the spreadsheet ("—" stays text)."""
    try:
        return Decimal(text)
    except (InvalidOperation, TypeError):
        return text


def _published(code, pk):
    poll = public_poll(code, pk)
    if poll.status != Status.CLOSED:
        raise Http404  # published when the poll closes, not before
    return poll


def ballots_csv(request, code, pk):
    """The anonymised ballot file: `python manage.py recount FILE` counts it again."""
    poll = _published(code, pk)
    return _download(
        results.ballot_csv(poll).encode(), "text/csv; charset=utf-8", f"poll-{pk}-ballots.csv"
    )


def receipts(request, code, pk):
    """The receipt hashes of every counted ballot, one a line, sorted."""
    poll = _published(code, pk)
    text = "\n".join(results.receipt_hashes(poll))
    return _download(text.encode(), "text/plain; charset=utf-8", f"poll-{pk}-receipts.txt")
