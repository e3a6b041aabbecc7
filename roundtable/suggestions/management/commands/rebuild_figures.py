"""python manage.py rebuild_figures [--community CODE]"""

import time

from django.core.management.base import BaseCommand, CommandError

from roundtable.places.models import Community
from roundtable.suggestions.summaries import rebuild


class Command(BaseCommand):
    help = (
        "Recomputes the figures' summary from the suggestions, one transaction per community "
        "(after a bulk load, or after deleting a compound, grid, category or organisation). "
        "Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--community", help="Only this community's code (default: all).")

    def handle(self, *args, community=None, **options):
        communities = Community.objects.order_by("code")
        if community:
            communities = communities.filter(code=community)
            if not communities:
                raise CommandError(f"No community with the code {community!r}.")
        for each in communities:
            started = time.perf_counter()
            rows = rebuild(each)
            seconds = time.perf_counter() - started
            self.stdout.write(f"{each.code}: {rows} summary rows in {seconds:.1f} s")
