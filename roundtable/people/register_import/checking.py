"""Checking: every cell parsed, each row and the rows together checked, every problem listed."""

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from roundtable.places.models import AreaSource

from ..ages import check_birth_year
from ..models import Relation
from ..phones import normalize_phone, validate_mobile
from .columns import (
    AREA_UNITS,
    COLUMNS,
    GROUP_SEPARATORS,
    HOME_COLUMNS,
    MAX_AREA,
    MAX_LENGTH,
    OPTIONAL_COLUMNS,
    RELATIONS,
    SOURCES,
)
from .reading import _is_blank, _text
from .report import ImportFailed, RowError


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
    birth_year: int | None = None


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


def _birth_year_cell(value):
    try:
        return check_birth_year(value)
    except ValidationError as refused:
        raise _CellError(refused.messages[0]) from refused


PARSERS = {
    **{column: partial(_required_text, column) for column in MAX_LENGTH},
    "出生年份": _birth_year_cell,
    "面积": _area_cell,
    "面积来源": _source_cell,
    "手机": _phone_cell,
    "身份": _relation_cell,
}


def _parse_row(number, raw, parsers):
    """The row as an _Entry, with an error for each refused cell."""
    values, errors = {}, []
    for column in COLUMNS + OPTIONAL_COLUMNS:
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
        birth_year=values["出生年份"],
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
    checks = (
        _check_names,
        _check_birth_years,
        _check_listed_twice,
        _check_owners,
        _check_co_owners,
        _check_areas,
    )
    for check in checks:
        errors += check(entries)
    if errors:
        raise ImportFailed(errors)
    return entries


def _check_names(entries):
    """One mobile number is one person: it may not carry two names."""
    message = _("The mobile number %(phone)s belongs to “%(value)s” in row %(row)d.")
    return _one_per_person(entries, "name", "姓名", message)


def _check_birth_years(entries):
    """One person has one year of birth, where rows give it."""
    message = _("Row %(row)d gives %(value)s as this person's year of birth.")
    return _one_per_person(entries, "birth_year", "出生年份", message)


def _one_per_person(entries, field, column, message):
    """A RowError for each row giving a person's `field` otherwise than their first row did."""
    first = {}
    for e in entries:
        value = getattr(e, field)
        if e.phone and value:
            row, known = first.setdefault(e.phone, (e.row, value))
            if known != value:
                found = {"phone": e.phone, "value": known, "row": row}
                yield RowError(e.row, column, message % found)


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
