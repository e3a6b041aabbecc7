"""python manage.py import_register FILE --community CODE [--dry-run]"""

from django.utils.translation import gettext as _
from tqdm import tqdm

from roundtable.people.register_import import import_rows, read_rows
from roundtable.people.register_import.command import ImportCommand


class Command(ImportCommand):
    help = (
        "Imports a household register (.xlsx or .csv) into a community as a system import; "
        "with --dry-run it only checks the file and counts what would change."
    )
    file_help = "The register, .xlsx or .csv."

    def import_file(self, file, community, dry_run):
        """Import with a progress bar on a terminal (tqdm hides it when output is redirected)."""
        rows = read_rows(file, file.name)
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
                filename=file.name,
            )

    def print_outcome(self, report):
        if report.changed:
            self.stdout.write(self.style.SUCCESS(_("The register was imported.")))
        else:
            self.stdout.write(self.style.SUCCESS(_("Nothing changed: already up to date.")))
