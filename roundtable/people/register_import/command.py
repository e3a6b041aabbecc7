"""The shape both spreadsheet imports share as commands: FILE --community CODE [--dry-run]."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from roundtable.places.models import Community

from .report import ImportFailed


class ImportCommand(BaseCommand):
    """Finds the community and the file, runs `import_file` and prints its report or every error."""

    file_help = "The file, .xlsx or .csv."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help=self.file_help)
        parser.add_argument("--community", required=True, help="The community's code, e.g. lf.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and count, but write nothing."
        )

    def handle(self, *args, file, community, dry_run, **options):
        community = self.community(community)
        if not file.is_file():
            raise CommandError(_("No such file: %(file)s") % {"file": file})
        try:
            report = self.import_file(file, community, dry_run)
        except ImportFailed as failure:
            for error in failure.errors:
                self.stderr.write(str(error))
            message = _("Nothing was imported: %(count)d problem(s) in %(file)s.")
            raise CommandError(message % {"count": len(failure.errors), "file": file}) from None
        for label, value in report.summary():
            self.stdout.write(f"{label}: {value}")
        if dry_run:
            self.stdout.write(self.style.SUCCESS(_("Checked only: nothing was written.")))
        else:
            self.print_outcome(report)

    def community(self, code):
        try:
            return Community.objects.get(code=code)
        except Community.DoesNotExist:
            raise CommandError(
                _("No community has the code “%(code)s”.") % {"code": code}
            ) from None

    def import_file(self, file, community, dry_run):
        """Import `file` into `community`: a report with `summary()`, or raise ImportFailed."""
        raise NotImplementedError

    def print_outcome(self, report):
        """What to say after a real (not dry) run; nothing beyond the summary by default."""
