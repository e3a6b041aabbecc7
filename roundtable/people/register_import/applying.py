"""Applying: the checked rows written in one transaction, with bulk creates and updates."""

from functools import partial
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from roundtable.audit.log import record
from roundtable.places.models import Building, Community, Compound, Home, Unit

from ..models import ConstituencyGroup, Relation, Residency, User
from ..permissions import Perm, acting_role, may, require
from .checking import _check_rows
from .columns import AREA_FIELDS, BATCH
from .reading import read_rows
from .report import ImportReport


def import_rows(rows, *, community, by, dry_run=False, progress=None, filename=""):
    """Check every row, then apply the register to `community` in one transaction."""
    _require_import(by, community)
    groups = {g.name: g for g in ConstituencyGroup.objects.filter(community=community)}
    entries = _check_rows(rows, groups, progress)
    with transaction.atomic():
        report = _apply(entries, community, groups)
        report.filename, report.dry_run = filename, dry_run
        if dry_run:
            transaction.set_rollback(True)
        elif report.changed:
            # The event also retires the community page's figures (dashboards.figures).
            role = acting_role(by, Perm.IMPORT_REGISTER, community) if by else "system"
            record(
                community,
                "register.imported",
                by=by,
                role=role,
                filename=filename,
                **report.counts(),
            )
    return report


def import_register(file, filename, *, community, by, dry_run=False, progress=None):
    """Read an .xlsx or .csv register and import it (see import_rows)."""
    _require_import(by, community)
    rows = read_rows(file, filename)
    return import_rows(
        rows,
        community=community,
        by=by,
        dry_run=dry_run,
        progress=progress,
        filename=Path(filename or "").name,
    )


def _require_import(by, community):
    """`by=None` is a system import (a command or the demo loader) and needs no permission."""
    if by is not None:
        require(may(by, Perm.IMPORT_REGISTER, community))


def _apply(entries, community, groups):
    report = ImportReport(rows=len(entries))
    # Locking the community row serialises concurrent imports into it.
    Community.objects.select_for_update().get(pk=community.pk)
    homes = _ensure_places(entries, community, report)
    changed_homes = _update_areas(entries, homes, report)
    people, changed_people = _ensure_people(entries, report)
    changed_residencies = _sync_residencies(entries, community, homes, people, report)
    changed_people |= _sync_memberships(entries, community, groups, people, report)
    report.unchanged = sum(
        1
        for e in entries
        if e.home not in changed_homes
        and e.phone not in changed_people
        and (e.phone, e.home) not in changed_residencies
    )
    return report


def _levels(community):
    """Each level of places: its model, the field to its parent, and the community's objects."""
    return [
        (Compound, "community", Compound.objects.filter(community=community)),
        (Building, "compound", Building.objects.filter(compound__community=community)),
        (Unit, "building", Unit.objects.filter(building__compound__community=community)),
        (Home, "unit", Home.objects.in_community(community)),
    ]


def _ensure_places(entries, community, report):
    """Get or create every compound, building, unit and home the file names: homes by key."""
    keys = {e.home for e in entries}
    areas = {e.home: (e.area, e.source) for e in entries if e.area is not None}
    nodes = {(): community}
    for depth, (model, parent, queryset) in enumerate(_levels(community)):
        wanted = {(nodes[key[:depth]].pk, key[depth]) for key in keys}
        build = _home_builder(areas, nodes) if model is Home else None
        found, created = _get_or_create(model, parent, queryset, wanted, build)
        setattr(report, f"{model._meta.model_name}s_created", created)
        nodes = {key[: depth + 1]: found[(nodes[key[:depth]].pk, key[depth])] for key in keys}
    return nodes


def _get_or_create(model, parent, queryset, wanted, build=None):
    """Objects keyed by (parent pk, name), creating the missing ones in bulk; and how many."""
    name = "room" if model is Home else "name"
    found = {(getattr(o, f"{parent}_id"), getattr(o, name)): o for o in queryset}
    missing = sorted(set(wanted) - found.keys())
    if missing:
        build = build or partial(_new_place, model, parent, name)
        objects = [build(parent_pk, value) for parent_pk, value in missing]
        model.objects.bulk_create(objects, batch_size=BATCH, ignore_conflicts=True)
        found = {(getattr(o, f"{parent}_id"), getattr(o, name)): o for o in queryset.all()}
    return found, len(missing)


def _new_place(model, parent, name, parent_pk, value):
    return model(**{f"{parent}_id": parent_pk, name: value})


def _home_builder(areas, units):
    """Makes a new home with the area the file gives it."""
    by_unit = {(units[key[:3]].pk, key[3]): area for key, area in areas.items()}

    def build(unit_pk, room):
        area, source = by_unit.get((unit_pk, room), (None, None))
        home = Home(unit_id=unit_pk, room=room)
        if source:
            setattr(home, AREA_FIELDS[source], area)
        return home

    return build


def _update_areas(entries, homes, report):
    """Set the area field named by each row's source, keeping the other area fields."""
    changed = {}
    for e in entries:
        home = homes[e.home]
        if e.source and getattr(home, AREA_FIELDS[e.source]) != e.area:
            setattr(home, AREA_FIELDS[e.source], e.area)
            changed[e.home] = home
    Home.objects.bulk_update(changed.values(), list(AREA_FIELDS.values()), batch_size=BATCH)
    report.homes_updated = len(changed)
    return set(changed)


def _ensure_people(entries, report):
    """Users by phone, created with an unusable password or renamed to the file's name."""
    names = {e.phone: e.name for e in entries}
    found = _users_by_phone(names)
    missing = [phone for phone in names if phone not in found]
    if missing:
        users = [User(phone=p, name=names[p], password=make_password(None)) for p in missing]
        User.objects.bulk_create(users, batch_size=BATCH, ignore_conflicts=True)
        found.update(_users_by_phone(missing))
    renamed = [user for user in found.values() if user.name != names[user.phone]]
    for user in renamed:
        user.name = names[user.phone]
    User.objects.bulk_update(renamed, ["name"], batch_size=BATCH)
    report.residents_created, report.residents_updated = len(missing), len(renamed)
    dated = _record_birth_years(entries, found)
    report.birth_years_recorded = len(dated)
    return found, {user.phone for user in renamed} | dated


def _record_birth_years(entries, people):
    """The years of birth the file gives (a blank cell keeps what is known); the phones of the
    people whose year changed."""
    years = {e.phone: e.birth_year for e in entries if e.birth_year}
    changed = [
        user for phone, user in people.items() if phone in years and user.birth_year != years[phone]
    ]
    for user in changed:
        user.birth_year = years[user.phone]
    User.objects.bulk_update(changed, ["birth_year"], batch_size=BATCH)
    return {user.phone for user in changed}


def _users_by_phone(phones):
    users = {}
    for chunk in _chunks(sorted(phones)):
        for user in User.objects.filter(phone__in=chunk).only("pk", "phone", "name", "birth_year"):
            users[user.phone] = user
    return users


def _chunks(items):
    """Slices short enough for an IN (...) on every database (SQLite allows 999 parameters)."""
    size = min(connection.features.max_query_params or 5000, 5000) - 1
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _sync_residencies(entries, community, homes, people, report):
    """Link each row's person to its home; unlink everyone else in the file's compounds."""
    wanted = {(people[e.phone].pk, homes[e.home].pk): e for e in entries}
    compounds = {e.home[0] for e in entries}
    existing = {
        (r.user_id, r.home_id): r
        for r in Residency.objects.filter(
            home__unit__building__compound__community=community,
            home__unit__building__compound__name__in=compounds,
        ).only("pk", "user_id", "home_id", "relation")
    }
    removed = [r.pk for key, r in existing.items() if key not in wanted]
    changed = [
        r for key, r in existing.items() if key in wanted and r.relation != wanted[key].relation
    ]
    for residency in changed:
        residency.relation = wanted[(residency.user_id, residency.home_id)].relation
    new = [
        Residency(user_id=u, home_id=h, relation=e.relation)
        for (u, h), e in wanted.items()
        if (u, h) not in existing
    ]
    _write_residencies(removed, changed, new)
    report.residencies_created, report.residencies_updated = len(new), len(changed)
    report.residencies_removed = len(removed)
    touched = [wanted[(r.user_id, r.home_id)] for r in [*changed, *new]]
    return {(e.phone, e.home) for e in touched}


def _write_residencies(removed, changed, new):
    """Removals, then demotions, then promotions and new rows: one owner per home at each step."""
    for chunk in _chunks(removed):
        Residency.objects.filter(pk__in=chunk).delete()
    demoted = [r for r in changed if r.relation != Relation.OWNER]
    promoted = [r for r in changed if r.relation == Relation.OWNER]
    Residency.objects.bulk_update(demoted, ["relation"], batch_size=BATCH)
    Residency.objects.bulk_update(promoted, ["relation"], batch_size=BATCH)
    Residency.objects.bulk_create(new, batch_size=BATCH)


def _sync_memberships(entries, community, groups, people, report):
    """Each listed person's groups here become the union of their rows' 组别 cells."""
    membership = ConstituencyGroup.members.through
    wanted = {(people[e.phone].pk, groups[name].pk) for e in entries for name in e.groups}
    listed = {user.pk for user in people.values()}
    existing = {
        (m.user_id, m.constituencygroup_id): m.pk
        for m in membership.objects.filter(constituencygroup__community=community)
        if m.user_id in listed
    }
    added, removed = sorted(wanted - existing.keys()), existing.keys() - wanted
    membership.objects.bulk_create(
        [membership(user_id=u, constituencygroup_id=g) for u, g in added], batch_size=BATCH
    )
    for chunk in _chunks([existing[key] for key in removed]):
        membership.objects.filter(pk__in=chunk).delete()
    report.memberships_added, report.memberships_removed = len(added), len(removed)
    changed = {user_pk for user_pk, _group in [*added, *removed]}
    return {phone for phone, user in people.items() if user.pk in changed}
