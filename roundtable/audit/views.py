"""The public page of the audit chain's published heads (公示), for anyone to keep a copy of."""

from django.shortcuts import render
from django.utils import timezone

from .models import PublishedHead

SHOWN = 31  # a month of nights, printable on one or two A4 pages


def heads(request):
    """The latest published heads: day, entries, hash; nothing about any person."""
    latest = PublishedHead.objects.only("day", "published_at", "length", "hash", "reason")
    return render(
        request,
        "audit/heads.html",
        {"heads": latest[:SHOWN], "printed_on": timezone.now()},
    )
