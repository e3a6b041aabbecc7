"""Enqueue the scheduled suggestion tasks; run it every few minutes (cron, a timer, make run)."""

from datetime import time

from django.core.management.base import BaseCommand
from django.db import IntegrityError, transaction
from django.utils import timezone

from roundtable.audit.tasks import seal_audit_log
from roundtable.meetings.tasks import send_meeting_reminders
from roundtable.suggestions.reminders import DigestDay
from roundtable.suggestions.tasks import daily_digest, sweep_deadlines
from roundtable.votes.tasks import close_due_polls

DIGEST_AT = time(8, 0)  # Asia/Shanghai, the project's TIME_ZONE


def digest_due(now):
    """True once per day, on the first tick at or after 08:00 local time."""
    local = timezone.localtime(now)
    if local.time() < DIGEST_AT:
        return False
    try:
        with transaction.atomic():
            DigestDay.objects.create(day=local.date())
    except IntegrityError:
        return False
    return True


class Command(BaseCommand):
    help = (
        "Enqueue the deadline sweep, the meeting reminders, the poll closing and the sealing of "
        "the audit log (every run) and the morning digest (once a day from 08:00) "
        "for the task worker; --now runs them here instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="Run the tasks inline, no worker.")

    def handle(self, *args, now=False, **options):
        due = [sweep_deadlines, send_meeting_reminders, close_due_polls, seal_audit_log]
        if digest_due(timezone.now()):
            due.append(daily_digest)
        for job in due:
            if now:
                result = job.call()
                self.stdout.write(f"{job.name}: {result}")
            else:
                job.enqueue()
                self.stdout.write(f"{job.name}: enqueued")
