import time

from django.core.management.base import BaseCommand, CommandError

from roundtable.audit.log import seal, verify_chain


class Command(BaseCommand):
    help = (
        "Chains the audit events written since the last seal, then checks the whole hash chain "
        "and reports every entry edited or deleted afterwards."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        sealed = seal()
        took = time.perf_counter() - started
        self.stdout.write(f"sealed {sealed} entries written since the last seal in {took:.3f} s")
        count, problems = verify_chain()
        for problem in problems:
            self.stderr.write(str(problem))
        if problems:
            raise CommandError(f"audit log: {len(problems)} problem(s) in {count} entries")
        self.stdout.write(self.style.SUCCESS(f"audit log intact: {count} entries"))
