"""The household register import (居民花名册): read a spreadsheet, check every row, apply it.

A file is the whole register of each compound it names: residencies in those compounds that it
does not list are removed (the person moved out), and each listed person's constituency groups in
the community become exactly the ones their rows give. Nothing is written unless every row is
valid; importing the same file twice changes nothing.
"""

import csv
import io
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from functools import partial
from os import PathLike
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from roundtable.audit.log import record
from roundtable.places.models import AreaSource, Building, Community, Compound, Home, Unit

from .models import ConstituencyGroup, Relation, Residency, User
from .permissions import Perm, acting_role, may, require
from .phones import normalize_phone, validate_mobile

COLUMNS = ["小区", "楼栋", "单元", "房号", "面积", "面积来源", "姓名", "手机", "身份", "组别"]
HOME_COLUMNS = ("小区", "楼栋", "单元", "房号")
MAX_LENGTH = {"小区": 100, "楼栋": 50, "单元": 50, "房号": 20, "姓名": 50}
SOURCES = {
    "不动产登记": AreaSource.REGISTER,
    "登记": AreaSource.REGISTER,
    "产权登记": AreaSource.REGISTER,
    "实测": AreaSource.SURVEYED,
    "合同": AreaSource.CONTRACT,
    "预售合同": AreaSource.CONTRACT,
}
AREA_FIELDS = {
    AreaSource.REGISTER: "area_register",
    AreaSource.SURVEYED: "area_surveyed",
    AreaSource.CONTRACT: "area_contract",
}
RELATIONS = {
    "业主": Relation.OWNER,
    "共有人": Relation.CO_OWNER,
    "租户": Relation.TENANT,
    "家属": Relation.FAMILY,
}
GROUP_SEPARATORS = re.compile(r"[、，,;；/\s]+")
AREA_UNITS = re.compile(r"\s*(平方米|平米|㎡|m²|m2)$", re.IGNORECASE)
MAX_AREA = Decimal(10000)
MAX_ROWS = 100_000
BATCH = 1000
EXAMPLE_ROWS = [
    ["J5", "1栋", "1单元", "301", 89.5, "不动产登记", "张三", "13800138000", "业主", "银龄"],
    ["J5", "1栋", "1单元", "301", None, None, "李四", "13800138001", "家属", "青年、党员"],
]


@dataclass
class RowError:
    """One problem in the file: its spreadsheet row (the header is row 1), column and reason."""

    row: int
    column: str
    message: str

    def __str__(self):
        values = {"row": self.row, "column": self.column, "message": self.message}
        if not self.row:
            return self.message
        if not self.column:
            # Translators: 第 %(row)d 行：%(message)s
            return _("Row %(row)d: %(message)s") % values
        # Translators: 第 %(row)d 行 [%(column)s]：%(message)s
        return _("Row %(row)d [%(column)s]: %(message)s") % values


class ImportFailed(Exception):
    """The file was refused; `errors` lists every problem found, by row and column."""

    def __init__(self, errors):
        order = {column: i for i, column in enumerate(COLUMNS)}
        self.errors = sorted(errors, key=lambda e: (e.row, order.get(e.column, -1)))
        super().__init__("\n".join(str(e) for e in self.errors[:20]))


COUNTS = (
    "compounds_created",
    "buildings_created",
    "units_created",
    "homes_created",
    "homes_updated",
    "residents_created",
    "residents_updated",
    "residencies_created",
    "residencies_updated",
    "residencies_removed",
    "memberships_added",
    "memberships_removed",
)


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    rows: int = 0
    compounds_created: int = 0
    buildings_created: int = 0
    units_created: int = 0
    homes_created: int = 0
    homes_updated: int = 0
    residents_created: int = 0
    residents_updated: int = 0
    residencies_created: int = 0
    residencies_updated: int = 0
    residencies_removed: int = 0
    memberships_added: int = 0
    memberships_removed: int = 0
    unchanged: int = 0
    filename: str = ""
    dry_run: bool = False

    @property
    def changed(self):
        return any(getattr(self, name) for name in COUNTS)

    def counts(self):
        """Every count by field name, for the audit log and scripts."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.type is int}

    def summary(self):
        """(label, count) pairs in reading order, for pages and the command line."""
        labels = _count_labels()
        return [(labels[name], value) for name, value in self.counts().items()]


def _count_labels():
    return {
        "rows": _("Rows read"),
        "compounds_created": _("Compounds created"),
        "buildings_created": _("Buildings created"),
        "units_created": _("Units created"),
        "homes_created": _("Homes created"),
        "homes_updated": _("Homes with a changed area"),
        "residents_created": _("Residents created"),
        "residents_updated": _("Residents renamed"),
        "residencies_created": _("Residents linked to a home"),
        "residencies_updated": _("Relations changed"),
        "residencies_removed": _("Residents removed from a home"),
        "memberships_added": _("Constituency group memberships added"),
        "memberships_removed": _("Constituency group memberships removed"),
        "unchanged": _("Rows already up to date"),
    }


# Reading ------------------------------------------------------------------------------------


def read_rows(file, filename):
    """The rows below the header of an .xlsx or .csv register, keyed by the Chinese columns.

    rows[i] is spreadsheet row i + 2; blank rows are kept (as blank dicts) so numbers stay right.
    """
    data = _read_bytes(file)
    suffix = Path(filename or "").suffix.lower()
    if suffix == ".xlsx":
        table = _xlsx_table(data)
    elif suffix == ".csv":
        table = _csv_table(data)
    else:
        raise _file_error(
            _("Upload an .xlsx or .csv file; “%(name)s” is neither.")
            % {"name": Path(filename or "").name}
        )
    return _rows_from_table(table)


def _file_error(message):
    return ImportFailed([RowError(0, "", message)])


def _read_bytes(file):
    if isinstance(file, str | PathLike):
        return Path(file).read_bytes()
    if hasattr(file, "seek"):
        file.seek(0)
    return file.read()


def _xlsx_table(data):
    from openpyxl import load_workbook  # needed for: reading .xlsx registers
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise _file_error(_("The file cannot be read as an Excel .xlsx workbook.")) from exc
    try:
        return _limited(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()


def _csv_table(data):
    text = _decode(data)
    try:
        return _limited(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise _file_error(
            _("The file cannot be read as CSV: %(reason)s") % {"reason": exc}
        ) from exc


def _decode(data):
    """CSV text as UTF-8 (with or without BOM), else GB18030 as Excel on Chinese Windows saves."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise _file_error(_("The file is not a CSV text file; save it from Excel as “CSV UTF-8”."))


def _limited(rows):
    """At most MAX_ROWS rows below the header, so a huge file is refused early."""
    table = []
    for row in rows:
        table.append(list(row))
        if len(table) > MAX_ROWS + 1:
            raise _file_error(
                _("The file has more than %(max)d rows; split it by compound.") % {"max": MAX_ROWS}
            )
    return table


def _rows_from_table(table):
    header = [_header(cell) for cell in (table[0] if table else [])]
    errors = [
        RowError(1, c, _("The header row has no “%(column)s” column.") % {"column": c})
        for c in COLUMNS
        if c not in header
    ] + [
        RowError(
            1, c, _("The column “%(column)s” appears twice in the header row.") % {"column": c}
        )
        for c in COLUMNS
        if header.count(c) > 1
    ]
    if errors:
        raise ImportFailed(errors)
    where = {column: header.index(column) for column in COLUMNS}
    rows = [{c: row[i] if i < len(row) else None for c, i in where.items()} for row in table[1:]]
    while rows and _is_blank(rows[-1]):
        rows.pop()
    return rows


def _header(cell):
    """A header cell without spaces or required-field stars: “ 手机* ” reads as “手机”."""
    return re.sub(r"[\s*＊]", "", str(cell or ""))


def _is_blank(row):
    return all(_text(value) == "" for value in row.values())


# Checking -----------------------------------------------------------------------------------


class _CellError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class _Entry:
    """One checked row; a field is None where its cell was refused."""

    row: int
    home: tuple | None
    area: Decimal | None
    source: str | None
    name: str | None
    phone: str | None
    relation: str | None
    groups: frozenset


def _text(value):
    """A cell as trimmed text; whole numbers that Excel stored as floats lose their “.0”."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\u3000", " ").strip()


def _required_text(column, value):
    text = _text(value)
    if not text:
        raise _CellError(_("“%(column)s” is empty; it is required.") % {"column": column})
    if len(text) > MAX_LENGTH[column]:
        raise _CellError(
            _("“%(column)s” is too long: at most %(max)d characters.")
            % {"column": column, "max": MAX_LENGTH[column]}
        )
    return text


def _area_cell(value):
    text = repr(value) if isinstance(value, float) else _text(value)
    if text == "":
        return None
    try:
        area = Decimal(AREA_UNITS.sub("", text))
    except InvalidOperation:
        raise _CellError(
            _("“%(value)s” is not an area in square metres, e.g. 89.5.") % {"value": text}
        ) from None
    if not area.is_finite() or area <= 0 or area >= MAX_AREA:
        raise _CellError(_("The area must be more than 0 and less than 10,000 m²."))
    if area.normalize().as_tuple().exponent < -2:
        raise _CellError(_("Give the area with at most 2 decimals, e.g. 89.55."))
    return area.quantize(Decimal("0.01"))


def _source_cell(value):
    text = _text(value)
    if text and text not in SOURCES:
        raise _CellError(
            _("Unknown area source “%(value)s”: use 不动产登记, 实测 or 合同.") % {"value": text}
        )
    return SOURCES.get(text)


def _phone_cell(value):
    # A CSV saved from Excel may carry the number as “13800138000.0”.
    text = re.sub(r"\.0+$", "", _text(value))
    if not text:
        raise _CellError(_("“%(column)s” is empty; it is required.") % {"column": "手机"})
    phone = normalize_phone(text)
    try:
        validate_mobile(phone)
    except ValidationError:
        raise _CellError(
            _(
                "“%(value)s” is not a mainland mobile number: 11 digits starting with 1, "
                "e.g. 13800138000."
            )
            % {"value": text}
        ) from None
    return phone


def _relation_cell(value):
    text = _text(value)
    if not text:
        raise _CellError(_("“%(column)s” is empty; it is required.") % {"column": "身份"})
    if text not in RELATIONS:
        raise _CellError(
            _("Unknown relation “%(value)s”: use 业主, 共有人, 租户 or 家属.") % {"value": text}
        )
    return RELATIONS[text]


def _groups_cell(groups, value):
    names = [name for name in GROUP_SEPARATORS.split(_text(value)) if name]
    unknown = [name for name in names if name not in groups]
    if unknown:
        raise _CellError(
            _("Unknown constituency group %(names)s; this community has: %(known)s.")
            % {"names": "、".join(unknown), "known": "、".join(groups) or _("(none)")}
        )
    return frozenset(names)


PARSERS = {
    **{column: partial(_required_text, column) for column in MAX_LENGTH},
    "面积": _area_cell,
    "面积来源": _source_cell,
    "手机": _phone_cell,
    "身份": _relation_cell,
}


def _parse_row(number, raw, parsers):
    """The row as an _Entry, with an error for each refused cell."""
    values, errors = {}, []
    for column in COLUMNS:
        try:
            values[column] = parsers[column](raw.get(column))
        except _CellError as problem:
            values[column] = None
            errors.append(RowError(number, column, problem.message))
    if not errors:
        errors += _check_area_pair(number, values["面积"], values["面积来源"])
    home = tuple(values[column] for column in HOME_COLUMNS)
    return _Entry(
        row=number,
        home=home if all(home) else None,
        area=values["面积"],
        source=values["面积来源"],
        name=values["姓名"],
        phone=values["手机"],
        relation=values["身份"],
        groups=values["组别"] or frozenset(),
    ), errors


def _check_area_pair(number, area, source):
    if area is not None and source is None:
        message = _("Say where the area comes from: 不动产登记, 实测 or 合同.")
        return [RowError(number, "面积来源", message)]
    if area is None and source is not None:
        return [RowError(number, "面积", _("面积来源 is given but 面积 is empty."))]
    return []


def _check_rows(rows, groups, progress):
    """Every valid row as an _Entry; raises ImportFailed listing every problem otherwise."""
    parsers = {**PARSERS, "组别": partial(_groups_cell, groups)}
    entries, errors = [], []
    for index, raw in enumerate(rows):
        if not _is_blank(raw):
            entry, row_errors = _parse_row(index + 2, raw, parsers)
            entries.append(entry)
            errors += row_errors
        if progress and ((index + 1) % 250 == 0 or index + 1 == len(rows)):
            progress(index + 1)
    if not entries:
        errors.append(RowError(2, "", _("The file has no rows below the header.")))
    checks = (_check_names, _check_listed_twice, _check_owners, _check_co_owners, _check_areas)
    for check in checks:
        errors += check(entries)
    if errors:
        raise ImportFailed(errors)
    return entries


def _check_names(entries):
    """One mobile number is one person: it may not carry two names."""
    first = {}
    for e in entries:
        if e.phone and e.name:
            row, name = first.setdefault(e.phone, (e.row, e.name))
            if name != e.name:
                message = _("The mobile number %(phone)s belongs to “%(name)s” in row %(row)d.")
                yield RowError(
                    e.row, "姓名", message % {"phone": e.phone, "name": name, "row": row}
                )


def _check_listed_twice(entries):
    first = {}
    for e in entries:
        if e.phone and e.home:
            row = first.setdefault((e.phone, e.home), e.row)
            if row != e.row:
                message = _("This person is already listed for this home in row %(row)d.")
                yield RowError(e.row, "手机", message % {"row": row})


def _by_home(entries):
    by_home = defaultdict(list)
    for e in entries:
        if e.home:
            by_home[e.home].append(e)
    return by_home


def _check_owners(entries):
    """One 业主 per home: the home's named voter."""
    for rows in _by_home(entries).values():
        owners = [e for e in rows if e.relation == Relation.OWNER]
        for e in owners[1:]:
            message = _(
                "This home already has a 业主 in row %(row)d: name one 业主 (the voter) "
                "and list the other owners as 共有人."
            )
            yield RowError(e.row, "身份", message % {"row": owners[0].row})


def _check_co_owners(entries):
    """A 共有人 needs the home's 业主 in the file (judged once every home and relation reads)."""
    if not all(e.home and e.relation for e in entries):
        return
    for rows in _by_home(entries).values():
        if all(e.relation != Relation.OWNER for e in rows):
            for e in rows:
                if e.relation == Relation.CO_OWNER:
                    message = _("A 共有人 needs a 业主 in the same home: mark one owner as 业主.")
                    yield RowError(e.row, "身份", message)


def _check_areas(entries):
    first = {}
    for e in entries:
        if e.home and e.area is not None:
            row, area, source = first.setdefault(e.home, (e.row, e.area, e.source))
            if (area, source) != (e.area, e.source):
                message = _(
                    "Row %(row)d gives this home %(area)s m² (%(source)s): one home has "
                    "one area; leave 面积 and 面积来源 empty on its other rows."
                )
                values = {"row": row, "area": area, "source": AreaSource(source).label}
                yield RowError(e.row, "面积", message % values)


# Applying -----------------------------------------------------------------------------------


def import_rows(rows, *, community, by, dry_run=False, progress=None, filename=""):
    """Check every row, then apply the register to `community` in one transaction."""
    _require_import(by, community)
    groups = {g.name: g for g in ConstituencyGroup.objects.filter(community=community)}
    entries = _check_rows(rows, groups, progress)
    with transaction.atomic():
        report = _apply(entries, community, groups)
        report.filename, report.dry_run = filename, dry_run
        if dry_run:
            transaction.set_rollback(True)
        elif report.changed:
            role = acting_role(by, Perm.IMPORT_REGISTER, community) if by else "system"
            record(
                community,
                "register.imported",
                by=by,
                role=role,
                filename=filename,
                **report.counts(),
            )
    return report


def import_register(file, filename, *, community, by, dry_run=False, progress=None):
    """Read an .xlsx or .csv register and import it (see import_rows)."""
    _require_import(by, community)
    rows = read_rows(file, filename)
    return import_rows(
        rows,
        community=community,
        by=by,
        dry_run=dry_run,
        progress=progress,
        filename=Path(filename or "").name,
    )


def _require_import(by, community):
    """`by=None` is a system import (a command or the demo loader) and needs no permission."""
    if by is not None:
        require(may(by, Perm.IMPORT_REGISTER, community))


def _apply(entries, community, groups):
    report = ImportReport(rows=len(entries))
    # Locking the community row serialises concurrent imports into it.
    Community.objects.select_for_update().get(pk=community.pk)
    homes = _ensure_places(entries, community, report)
    changed_homes = _update_areas(entries, homes, report)
    people, changed_people = _ensure_people(entries, report)
    changed_residencies = _sync_residencies(entries, community, homes, people, report)
    changed_people |= _sync_memberships(entries, community, groups, people, report)
    report.unchanged = sum(
        1
        for e in entries
        if e.home not in changed_homes
        and e.phone not in changed_people
        and (e.phone, e.home) not in changed_residencies
    )
    return report


def _levels(community):
    """Each level of places: its model, the field to its parent, and the community's objects."""
    return [
        (Compound, "community", Compound.objects.filter(community=community)),
        (Building, "compound", Building.objects.filter(compound__community=community)),
        (Unit, "building", Unit.objects.filter(building__compound__community=community)),
        (Home, "unit", Home.objects.in_community(community)),
    ]


def _ensure_places(entries, community, report):
    """Get or create every compound, building, unit and home the file names: homes by key."""
    keys = {e.home for e in entries}
    areas = {e.home: (e.area, e.source) for e in entries if e.area is not None}
    nodes = {(): community}
    for depth, (model, parent, queryset) in enumerate(_levels(community)):
        wanted = {(nodes[key[:depth]].pk, key[depth]) for key in keys}
        build = _home_builder(areas, nodes) if model is Home else None
        found, created = _get_or_create(model, parent, queryset, wanted, build)
        setattr(report, f"{model._meta.model_name}s_created", created)
        nodes = {key[: depth + 1]: found[(nodes[key[:depth]].pk, key[depth])] for key in keys}
    return nodes


def _get_or_create(model, parent, queryset, wanted, build=None):
    """Objects keyed by (parent pk, name), creating the missing ones in bulk; and how many."""
    name = "room" if model is Home else "name"
    found = {(getattr(o, f"{parent}_id"), getattr(o, name)): o for o in queryset}
    missing = sorted(set(wanted) - found.keys())
    if missing:
        build = build or partial(_new_place, model, parent, name)
        objects = [build(parent_pk, value) for parent_pk, value in missing]
        model.objects.bulk_create(objects, batch_size=BATCH, ignore_conflicts=True)
        found = {(getattr(o, f"{parent}_id"), getattr(o, name)): o for o in queryset.all()}
    return found, len(missing)


def _new_place(model, parent, name, parent_pk, value):
    return model(**{f"{parent}_id": parent_pk, name: value})


def _home_builder(areas, units):
    """Makes a new home with the area the file gives it."""
    by_unit = {(units[key[:3]].pk, key[3]): area for key, area in areas.items()}

    def build(unit_pk, room):
        area, source = by_unit.get((unit_pk, room), (None, None))
        home = Home(unit_id=unit_pk, room=room)
        if source:
            setattr(home, AREA_FIELDS[source], area)
        return home

    return build


def _update_areas(entries, homes, report):
    """Set the area field named by each row's source, keeping the other area fields."""
    changed = {}
    for e in entries:
        home = homes[e.home]
        if e.source and getattr(home, AREA_FIELDS[e.source]) != e.area:
            setattr(home, AREA_FIELDS[e.source], e.area)
            changed[e.home] = home
    Home.objects.bulk_update(changed.values(), list(AREA_FIELDS.values()), batch_size=BATCH)
    report.homes_updated = len(changed)
    return set(changed)


def _ensure_people(entries, report):
    """Users by phone, created with an unusable password or renamed to the file's name."""
    names = {e.phone: e.name for e in entries}
    found = _users_by_phone(names)
    missing = [phone for phone in names if phone not in found]
    if missing:
        users = [User(phone=p, name=names[p], password=make_password(None)) for p in missing]
        User.objects.bulk_create(users, batch_size=BATCH, ignore_conflicts=True)
        found.update(_users_by_phone(missing))
    renamed = [user for user in found.values() if user.name != names[user.phone]]
    for user in renamed:
        user.name = names[user.phone]
    User.objects.bulk_update(renamed, ["name"], batch_size=BATCH)
    report.residents_created, report.residents_updated = len(missing), len(renamed)
    return found, {user.phone for user in renamed}


def _users_by_phone(phones):
    users = {}
    for chunk in _chunks(sorted(phones)):
        for user in User.objects.filter(phone__in=chunk).only("pk", "phone", "name"):
            users[user.phone] = user
    return users


def _chunks(items):
    """Slices short enough for an IN (...) on every database (SQLite allows 999 parameters)."""
    size = min(connection.features.max_query_params or 5000, 5000) - 1
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _sync_residencies(entries, community, homes, people, report):
    """Link each row's person to its home; unlink everyone else in the file's compounds."""
    wanted = {(people[e.phone].pk, homes[e.home].pk): e for e in entries}
    compounds = {e.home[0] for e in entries}
    existing = {
        (r.user_id, r.home_id): r
        for r in Residency.objects.filter(
            home__unit__building__compound__community=community,
            home__unit__building__compound__name__in=compounds,
        ).only("pk", "user_id", "home_id", "relation")
    }
    removed = [r.pk for key, r in existing.items() if key not in wanted]
    changed = [
        r for key, r in existing.items() if key in wanted and r.relation != wanted[key].relation
    ]
    for residency in changed:
        residency.relation = wanted[(residency.user_id, residency.home_id)].relation
    new = [
        Residency(user_id=u, home_id=h, relation=e.relation)
        for (u, h), e in wanted.items()
        if (u, h) not in existing
    ]
    _write_residencies(removed, changed, new)
    report.residencies_created, report.residencies_updated = len(new), len(changed)
    report.residencies_removed = len(removed)
    touched = [wanted[(r.user_id, r.home_id)] for r in [*changed, *new]]
    return {(e.phone, e.home) for e in touched}


def _write_residencies(removed, changed, new):
    """Removals, then demotions, then promotions and new rows: one owner per home at each step."""
    for chunk in _chunks(removed):
        Residency.objects.filter(pk__in=chunk).delete()
    demoted = [r for r in changed if r.relation != Relation.OWNER]
    promoted = [r for r in changed if r.relation == Relation.OWNER]
    Residency.objects.bulk_update(demoted, ["relation"], batch_size=BATCH)
    Residency.objects.bulk_update(promoted, ["relation"], batch_size=BATCH)
    Residency.objects.bulk_create(new, batch_size=BATCH)


def _sync_memberships(entries, community, groups, people, report):
    """Each listed person's groups here become the union of their rows' 组别 cells."""
    membership = ConstituencyGroup.members.through
    wanted = {(people[e.phone].pk, groups[name].pk) for e in entries for name in e.groups}
    listed = {user.pk for user in people.values()}
    existing = {
        (m.user_id, m.constituencygroup_id): m.pk
        for m in membership.objects.filter(constituencygroup__community=community)
        if m.user_id in listed
    }
    added, removed = sorted(wanted - existing.keys()), existing.keys() - wanted
    membership.objects.bulk_create(
        [membership(user_id=u, constituencygroup_id=g) for u, g in added], batch_size=BATCH
    )
    for chunk in _chunks([existing[key] for key in removed]):
        membership.objects.filter(pk__in=chunk).delete()
    report.memberships_added, report.memberships_removed = len(added), len(removed)
    changed = {user_pk for user_pk, _group in [*added, *removed]}
    return {phone for phone, user in people.items() if user.pk in changed}


# The blank template -------------------------------------------------------------------------


def template_workbook():
    """An .xlsx with the header row and two example rows, as bytes."""
    from openpyxl import Workbook  # needed for: writing the blank register template

    book = Workbook()
    sheet = book.active
    sheet.title = "花名册"
    sheet.append(COLUMNS)
    for row in EXAMPLE_ROWS:
        sheet.append(row)
    for cell in sheet["H"]:
        cell.number_format = "@"  # keep mobile numbers as text in Excel
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
