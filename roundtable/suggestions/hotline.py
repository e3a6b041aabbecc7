"""Importing 12345 hotline tickets: each row of an .xlsx/.csv export becomes a suggestion.

Every row is checked first; if any is wrong nothing is written (ImportFailed lists each problem by
row and column). A ticket already imported (same 工单编号 in the community) is skipped, so the
same file can be imported twice.
"""

import re
from dataclasses import dataclass, fields
from datetime import date, datetime, time
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from roundtable.people.models import User
from roundtable.people.phones import is_mobile, normalize_phone
from roundtable.people.register_import.reading import (
    _csv_table,
    _file_error,
    _header,
    _is_blank,
    _read_bytes,
    _text,
    _xlsx_table,
)
from roundtable.people.register_import.report import ImportFailed, RowError
from roundtable.places.models import Building, Compound

from .intake import MAX_TEXT, submit_suggestion
from .models import Category, Channel, Suggestion

REQUIRED = ("工单编号", "来电时间", "诉求内容", "地址")
OPTIONAL = ("诉求类别", "联系电话")
COLUMNS = REQUIRED + OPTIONAL
MAX_NUMBER = 40
MAX_ROWS = 5000
TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d",
)
BUILDING_NUMBER = re.compile(r"(?<!\d)(\d+)\s*(?:栋|幢|号楼|座)")

__all__ = ["ImportFailed", "HotlineReport", "import_hotline", "read_tickets"]


@dataclass
class Ticket:
    row: int
    number: str
    called_at: datetime
    text: str
    address: str
    category: str
    phone: str


@dataclass
class HotlineReport:
    """What an import did (or, in a dry run, would do)."""

    rows: int = 0
    created: int = 0
    already_imported: int = 0
    with_place: int = 0
    with_resident: int = 0
    filename: str = ""
    dry_run: bool = False

    def summary(self):
        labels = {
            "rows": _("Tickets read"),
            "created": _("Suggestions created"),
            "already_imported": _("Tickets imported before (skipped)"),
            "with_place": _("New ones placed in a compound"),
            "with_resident": _("New ones linked to a registered resident"),
        }
        return [(labels[f.name], getattr(self, f.name)) for f in fields(self) if f.type is int]


class _CellError(Exception):
    pass


def read_tickets(file, filename):
    """The checked tickets of an export; raises ImportFailed listing every problem."""
    data = _read_bytes(file)
    suffix = Path(filename or "").suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise _file_error(
            _("Upload an .xlsx or .csv file; “%(name)s” is neither.")
            % {"name": Path(filename or "").name}
        )
    table = _xlsx_table(data) if suffix == ".xlsx" else _csv_table(data)
    rows = _rows(table)
    if len(rows) > MAX_ROWS:
        raise _file_error(_("The file has more than %(max)d rows; split it.") % {"max": MAX_ROWS})
    return _check(rows)


def _rows(table):
    header = [_header(cell) for cell in (table[0] if table else [])]
    missing = [c for c in REQUIRED if c not in header]
    twice = [c for c in COLUMNS if header.count(c) > 1]
    errors = [
        RowError(1, c, _("The header row has no “%(column)s” column.") % {"column": c})
        for c in missing
    ] + [
        RowError(
            1, c, _("The column “%(column)s” appears twice in the header row.") % {"column": c}
        )
        for c in twice
    ]
    if errors:
        raise ImportFailed(errors)
    where = {c: header.index(c) for c in COLUMNS if c in header}
    rows = [{c: row[i] if i < len(row) else None for c, i in where.items()} for row in table[1:]]
    while rows and _is_blank(rows[-1]):
        rows.pop()
    return rows


def _check(rows):
    tickets, errors, first_row = [], [], {}
    for index, raw in enumerate(rows):
        if _is_blank(raw):
            continue
        ticket, row_errors = _parse(index + 2, raw)
        errors += row_errors
        if ticket is None:
            continue
        earlier = first_row.setdefault(ticket.number, ticket.row)
        if earlier != ticket.row:
            message = _("The ticket %(number)s is also in row %(row)d.")
            errors.append(
                RowError(
                    ticket.row, "工单编号", message % {"number": ticket.number, "row": earlier}
                )
            )
        tickets.append(ticket)
    if not tickets and not errors:
        errors.append(RowError(2, "", _("The file has no rows below the header.")))
    if errors:
        raise ImportFailed(errors)
    return tickets


def _parse(number, raw):
    parsers = {
        "工单编号": _ticket_number,
        "来电时间": _called_at,
        "诉求内容": _content,
        "地址": lambda v: _text(v)[:200],
        "诉求类别": lambda v: _text(v)[:50],
        "联系电话": _phone,
    }
    values, errors = {}, []
    for column, parse in parsers.items():
        try:
            values[column] = parse(raw.get(column))
        except _CellError as problem:
            errors.append(RowError(number, column, str(problem)))
    if errors:
        return None, errors
    return Ticket(number, *(values[c] for c in parsers)), []


def _required(value, column):
    text = _text(value)
    if not text:
        raise _CellError(_("“%(column)s” is empty; it is required.") % {"column": column})
    return text


def _ticket_number(value):
    text = _required(value, "工单编号")
    if len(text) > MAX_NUMBER:
        raise _CellError(
            _("The ticket number is too long: at most %(max)d characters.") % {"max": MAX_NUMBER}
        )
    return text


def _called_at(value):
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    else:
        moment = _parse_time(_required(value, "来电时间"))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > timezone.now():
        raise _CellError(_("The call time is in the future."))
    return moment


def _parse_time(text):
    for pattern in TIME_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise _CellError(
        _("“%(value)s” is not a date and time, e.g. 2026-11-20 09:30.") % {"value": text}
    )


def _content(value):
    text = _required(value, "诉求内容")
    if len(text) > MAX_TEXT:
        raise _CellError(
            _("The request is too long: at most %(max)d characters.") % {"max": MAX_TEXT}
        )
    return text


def _phone(value):
    # Landlines and masked numbers are common in 12345 exports: keep only a usable mobile.
    phone = normalize_phone(re.sub(r"\.0+$", "", _text(value)))
    return phone if is_mobile(phone) else ""


def import_hotline(file, filename, *, community, by=None, dry_run=False):
    """Check the file, then create one suggestion per new ticket (all or nothing)."""
    tickets = read_tickets(file, filename)
    report = HotlineReport(rows=len(tickets), filename=Path(filename or "").name, dry_run=dry_run)
    known = set(
        Suggestion.objects.filter(
            community=community, hotline_number__in=[t.number for t in tickets]
        ).values_list("hotline_number", flat=True)
    )
    places = _Places(community)
    with transaction.atomic():
        for ticket in tickets:
            if ticket.number in known:
                report.already_imported += 1
                continue
            _create(ticket, community, by, places, report, dry_run)
    return report


def _create(ticket, community, by, places, report, dry_run):
    compound, building = places.match(ticket.address)
    submitter = places.resident(ticket.phone)
    report.created += 1
    report.with_place += compound is not None
    report.with_resident += submitter is not None
    if dry_run:
        return
    submit_suggestion(
        community=community,
        text=ticket.text,
        channel=Channel.HOTLINE,
        by=by,
        submitter=submitter,
        building=building,
        compound=compound,
        category=places.category(ticket.category),
        hotline_number=ticket.number,
        submitted_at=ticket.called_at,
    )


class _Places:
    """The community's compounds, buildings, categories and residents, loaded once per import."""

    def __init__(self, community):
        self.community = community
        self.compounds = sorted(
            Compound.objects.filter(community=community), key=lambda c: -len(c.name)
        )
        self.buildings = {}
        for b in Building.objects.filter(compound__community=community):
            self.buildings.setdefault(b.compound_id, []).append(b)
        self.categories = {c.name: c for c in Category.objects.filter(community=community)}

    def match(self, address):
        """(compound, building) named in a free-text address, each None when not found."""
        address = re.sub(r"\s+", " ", address or "")
        for compound in self.compounds:
            at = address.find(compound.name)
            if at >= 0:
                return compound, self._building(compound, address[at + len(compound.name) :])
            if compound.address and compound.address in address:
                rest = address.replace(compound.address, "", 1)
                return compound, self._building(compound, rest)
        return None, None

    def _building(self, compound, rest):
        for building in self.buildings.get(compound.pk, []):
            if re.search(rf"(?<![0-9A-Za-z]){re.escape(building.name)}", rest):
                return building
        numbers = BUILDING_NUMBER.findall(rest)
        if numbers:
            for building in self.buildings.get(compound.pk, []):
                found = BUILDING_NUMBER.search(building.name) or re.fullmatch(
                    r"(\d+)", building.name
                )
                if found and found.group(1) == numbers[0]:
                    return building
        return None

    def resident(self, phone):
        """The registered resident of this community with that mobile number, if any."""
        if not phone:
            return None
        return (
            User.objects.filter(
                phone=phone,
                is_active=True,
                residencies__home__unit__building__compound__community=self.community,
            )
            .distinct()
            .first()
        )

    def category(self, name):
        return self.categories.get(name) if name else None
