"""python manage.py import_register FILE --community CODE [--dry-run]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from roundtable.people.register_import import ImportFailed, import_rows, read_rows
from roundtable.places.models import Community


class Command(BaseCommand):
    help = (
        "Imports a household register (.xlsx or .csv) into a community as a system import; "
        "with --dry-run it only checks the file and counts what would change."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The register, .xlsx or .csv.")
        parser.add_argument("--community", required=True, help="The community's code, e.g. lf.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and count, but write nothing."
        )

    def handle(self, *args, file, community, dry_run, **options):
        community = self.community(community)
        if not file.is_file():
            raise CommandError(_("No such file: %(file)s") % {"file": file})
        try:
            rows = read_rows(file, file.name)
            report = self.run(rows, community, file.name, dry_run)
        except ImportFailed as failure:
            for error in failure.errors:
                self.stderr.write(str(error))
            message = _("Nothing was imported: %(count)d problem(s) in %(file)s.")
            raise CommandError(message % {"count": len(failure.errors), "file": file}) from None
        self.print_report(report)

    def community(self, code):
        try:
            return Community.objects.get(code=code)
        except Community.DoesNotExist:
            raise CommandError(
                _("No community has the code “%(code)s”.") % {"code": code}
            ) from None

    def run(self, rows, community, filename, dry_run):
        """Import with a progress bar on a terminal (tqdm hides it when output is redirected)."""
        with tqdm(total=len(rows), unit=_("rows"), disable=None) as bar:

            def progress(done):
                bar.update(done - bar.n)
                if done == len(rows):
                    bar.set_description(_("Writing"))

            return import_rows(
                rows,
                community=community,
                by=None,
                dry_run=dry_run,
                progress=progress,
                filename=filename,
            )

    def print_report(self, report):
        for label, value in report.summary():
            self.stdout.write(f"{label}: {value}")
        if report.dry_run:
            self.stdout.write(self.style.SUCCESS(_("Checked only: nothing was written.")))
        elif report.changed:
            self.stdout.write(self.style.SUCCESS(_("The register was imported.")))
        else:
            self.stdout.write(self.style.SUCCESS(_("Nothing changed: already up to date.")))
