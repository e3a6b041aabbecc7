"""The household register import (居民花名册): read a spreadsheet, check every row, apply it.

A file is the whole register of each compound it names: residencies in those compounds that it
does not list are removed (the person moved out), and each listed person's constituency groups in
the community become exactly the ones their rows give. An optional 出生年份 column gives years of
birth (a blank cell keeps the one known). Nothing is written unless every row is
valid; importing the same file twice changes nothing.

The package splits by concern: columns (names, value tables, limits), report (errors and
counts), reading (files to rows), checking (cells, rows and the rows together), applying (the
transaction and bulk writes) and template (the blank workbook). Callers import from here.
"""

from .applying import import_register, import_rows
from .checking import PARSERS
from .columns import (
    AREA_FIELDS,
    AREA_UNITS,
    BATCH,
    COLUMNS,
    GROUP_SEPARATORS,
    HOME_COLUMNS,
    MAX_AREA,
    MAX_LENGTH,
    MAX_ROWS,
    OPTIONAL_COLUMNS,
    RELATIONS,
    SOURCES,
)
from .reading import read_rows
from .report import COUNTS, ImportFailed, ImportReport, RowError
from .template import EXAMPLE_ROWS, template_workbook

__all__ = [
    "AREA_FIELDS",
    "AREA_UNITS",
    "BATCH",
    "COLUMNS",
    "COUNTS",
    "EXAMPLE_ROWS",
    "GROUP_SEPARATORS",
    "HOME_COLUMNS",
    "MAX_AREA",
    "MAX_LENGTH",
    "MAX_ROWS",
    "OPTIONAL_COLUMNS",
    "PARSERS",
    "RELATIONS",
    "SOURCES",
    "ImportFailed",
    "ImportReport",
    "RowError",
    "import_register",
    "import_rows",
    "read_rows",
    "template_workbook",
]
