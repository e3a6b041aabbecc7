"""python manage.py import_hotline FILE --community CODE [--dry-run]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from roundtable.places.models import Community
from roundtable.suggestions.hotline import ImportFailed, import_hotline


class Command(BaseCommand):
    help = (
        "Imports a 12345 hotline export (.xlsx or .csv) as suggestions of a community; tickets "
        "imported before are skipped; with --dry-run it only checks the file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The export, .xlsx or .csv.")
        parser.add_argument("--community", required=True, help="The community's code, e.g. lf.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and count, but write nothing."
        )

    def handle(self, *args, file, community, dry_run, **options):
        try:
            community = Community.objects.get(code=community)
        except Community.DoesNotExist:
            raise CommandError(
                _("No community has the code “%(code)s”.") % {"code": community}
            ) from None
        if not file.is_file():
            raise CommandError(_("No such file: %(file)s") % {"file": file})
        try:
            report = import_hotline(file, file.name, community=community, dry_run=dry_run)
        except ImportFailed as failure:
            for error in failure.errors:
                self.stderr.write(str(error))
            message = _("Nothing was imported: %(count)d problem(s) in %(file)s.")
            raise CommandError(message % {"count": len(failure.errors), "file": file}) from None
        for label, value in report.summary():
            self.stdout.write(f"{label}: {value}")
        if dry_run:
            self.stdout.write(self.style.SUCCESS(_("Checked only: nothing was written.")))
