import time

from django.core.management.base import BaseCommand, CommandError

from roundtable.audit.heads import check_heads, read_heads_file
from roundtable.audit.log import seal, verify_chain
from roundtable.audit.models import PublishedHead

SHOWN = 20  # problems printed; a chain rebuilt from its first entry has one per entry


class Command(BaseCommand):
    help = (
        "Chains the audit events written since the last seal, then checks the whole chain under "
        "the audit key (AUDIT_KEY) and against the heads published outside the database (the "
        "heads file and the heads recorded as published): reports every entry edited or deleted "
        "afterwards, and where a rewrite starts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--heads", help="The heads file to compare against (default: AUDIT_HEADS_FILE)."
        )

    def handle(self, *args, heads=None, **options):
        started = time.perf_counter()
        sealed = seal()
        took = time.perf_counter() - started
        self.stdout.write(f"sealed {sealed} entries written since the last seal in {took:.3f} s")
        count, problems = verify_chain()
        problems += check_heads(heads)
        for problem in problems[:SHOWN]:
            self.stderr.write(str(problem))
        if len(problems) > SHOWN:
            self.stderr.write(f"… and {len(problems) - SHOWN} more")
        if problems:
            raise CommandError(f"audit log: {len(problems)} problem(s) in {count} entries")
        # One line, the last: bench/run.py reads it as the verdict.
        self.stdout.write(
            self.style.SUCCESS(f"audit log intact: {count} entries; {self._heads(heads)}")
        )

    def _heads(self, path):
        latest = PublishedHead.objects.first()
        if latest is None:
            return "no head published yet"
        filed = len(read_heads_file(path)[0])
        return (
            f"matches its {filed} published heads, the latest of {latest.day} "
            f"({latest.length} entries, {latest.hash[:16]}…)"
        )
