from django.core.management.base import BaseCommand, CommandError

from roundtable.audit.log import verify_chain


class Command(BaseCommand):
    help = "Checks the audit log's hash chain and reports every entry edited or deleted afterwards."

    def handle(self, *args, **options):
        count, problems = verify_chain()
        for problem in problems:
            self.stderr.write(str(problem))
        if problems:
            raise CommandError(f"audit log: {len(problems)} problem(s) in {count} entries")
        self.stdout.write(self.style.SUCCESS(f"audit log intact: {count} entries"))
