"""python manage.py recount FILE — count a poll again from its published anonymised ballot file."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from roundtable.votes.results import read_ballot_csv, recount
from roundtable.votes.rules import InvalidChoice


class Command(BaseCommand):
    help = (
        "Recounts a poll from its anonymised ballot file (CSV with '# key: value' lines) and "
        "prints the result as JSON, to compare with the result the poll published."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The anonymised ballot file a closed poll publishes.")

    def handle(self, *args, file, **options):
        try:
            meta, rows = read_ballot_csv(Path(file).read_text(encoding="utf-8-sig"))
            result = recount(meta, rows)
        except (OSError, ValueError, KeyError, InvalidChoice) as problem:
            raise CommandError(f"{file}: {problem}") from None
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2, sort_keys=True))
