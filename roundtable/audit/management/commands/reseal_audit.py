from django.core.management.base import BaseCommand, CommandError

from roundtable.audit.heads import ResealRefused, reseal


class Command(BaseCommand):
    help = (
        "Once, on a chain written before the audit key: checks it, hashes it anew under the key "
        "from its first entry, records the re-seal as an event and publishes the head. Refused "
        "once a head was published, or if the chain does not verify."
    )

    def handle(self, *args, **options):
        try:
            entries, head = reseal()
        except ResealRefused as refused:
            raise CommandError(f"not re-sealed: {refused}") from refused
        self.stdout.write(
            self.style.SUCCESS(
                f"re-sealed {entries} entries under the key; head published: "
                f"{head.length} entries, {head.hash}"
            )
        )
