"""Copying the category taxonomy into a community, with owners matched by organisation kind."""

from django.db import transaction

from roundtable.audit.log import record

from . import taxonomy
from .models import Category


@transaction.atomic
def seed_categories(community, *, by=None):
    """Create the taxonomy's categories the community lacks; edited ones are left as they are."""
    owners = {}
    for organisation in community.organisations.order_by("pk"):
        owners.setdefault(organisation.kind, organisation)
    existing = {c.code: c for c in Category.objects.filter(community=community)}
    created = 0
    for item in taxonomy.CATEGORIES:
        if item.code in existing:
            continue
        existing[item.code] = Category.objects.create(
            community=community,
            code=item.code,
            name=item.name,
            parent=existing.get(item.parent_code),
            keywords=" ".join(item.keywords),
            owner_kind=item.owner_kind,
            default_owner=owners.get(item.owner_kind),
            accept_hours=item.accept_hours,
            respond_days=item.respond_days,
            needs_joint_decision=item.needs_joint_decision,
        )
        created += 1
    if created:
        record(
            community,
            "categories.seeded",
            by=by,
            role="system" if by is None else "admin",
            created=created,
        )
    return created
