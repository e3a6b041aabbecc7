"""What an import found wrong (RowError, ImportFailed) and what it did (ImportReport)."""

from dataclasses import dataclass, fields

from django.utils.translation import gettext as _

from .columns import COLUMNS


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
    "birth_years_recorded",
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
    birth_years_recorded: int = 0
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
        "birth_years_recorded": _("Years of birth recorded or changed"),
        "residencies_created": _("Residents linked to a home"),
        "residencies_updated": _("Relations changed"),
        "residencies_removed": _("Residents removed from a home"),
        "memberships_added": _("Constituency group memberships added"),
        "memberships_removed": _("Constituency group memberships removed"),
        "unchanged": _("Rows already up to date"),
    }
