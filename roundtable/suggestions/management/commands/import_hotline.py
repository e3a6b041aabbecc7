"""python manage.py import_hotline FILE --community CODE [--dry-run]"""

from roundtable.people.register_import.command import ImportCommand
from roundtable.suggestions.hotline import import_hotline


class Command(ImportCommand):
    help = (
        "Imports a 12345 hotline export (.xlsx or .csv) as suggestions of a community; tickets "
        "imported before are skipped; with --dry-run it only checks the file."
    )
    file_help = "The export, .xlsx or .csv."

    def import_file(self, file, community, dry_run):
        return import_hotline(file, file.name, community=community, dry_run=dry_run)
