"""Enqueue the scheduled tasks (settings.SCHEDULED_TASKS); run it every few minutes (cron, a
timer, make run). The tasks are named by path, so this command imports no app."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.module_loading import import_string


def due_tasks(schedule, now):
    """The tasks of `schedule` to run at `now`, in its order."""
    due = []
    for entry in schedule:
        when = entry.get("due")
        if when is None or import_string(when)(now):
            due.append(import_string(entry["task"]))
    return due


class Command(BaseCommand):
    help = (
        "Enqueue the scheduled tasks of settings.SCHEDULED_TASKS for the task worker: the "
        "deadline sweep, the meeting reminders, the poll closing and the sealing of the audit log "
        "(every run) and the morning digest (once a day from 08:00); --now runs them here instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="Run the tasks inline, no worker.")

    def handle(self, *args, now=False, **options):
        for job in due_tasks(settings.SCHEDULED_TASKS, timezone.now()):
            if now:
                result = job.call()
                self.stdout.write(f"{job.name}: {result}")
            else:
                job.enqueue()
                self.stdout.write(f"{job.name}: enqueued")
