"""Builds the demo community; every step is get-or-create, so running it again changes nothing."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q

from roundtable.audit.log import seal
from roundtable.people.actions import ensure_default_groups, grant_role
from roundtable.people.models import Organisation, Residency, RoleAssignment, User
from roundtable.people.register_import import AREA_FIELDS, SOURCES, import_rows
from roundtable.places.models import (
    Building,
    Community,
    Compound,
    Grid,
    Home,
    Station,
    Street,
    Unit,
)
from roundtable.suggestions.categories import seed_categories

from . import layout
from .cast import ADMIN, CAST
from .meetings import plan_meetings
from .polls import plan_polls
from .roster import generate
from .suggestions import build_suggestions


@dataclass
class Result:
    """What loaddemo built, and what this run's register import changed."""

    community: Community
    report: object  # register_import.ImportReport


@transaction.atomic
def build(*, progress=None):
    """Build (or bring up to date) the case community 澜菲溪岸社区 and return a Result."""
    roster = generate()
    community = ensure_community()
    ensure_developer_homes(community, roster.developer_homes)
    report = import_rows(
        roster.rows, community=community, by=None, progress=progress, filename="loaddemo"
    )
    mark_parking_spaces(community)
    grids = ensure_grids(community)
    ensure_stations(community)
    organisations = ensure_organisations(community)
    ensure_staff(community, grids, organisations)
    seed_categories(community)
    build_suggestions(community, also=(plan_meetings, plan_polls))
    seal()  # the demo's history chained, as the tick would have chained it day by day
    return Result(community, report)


def ensure_community():
    """The street, the community with its default groups, and its four compounds."""
    street, _ = Street.objects.get_or_create(**layout.STREET)
    fields = layout.COMMUNITY
    community, _ = Community.objects.update_or_create(
        code=fields["code"],
        defaults={"street": street, "name": fields["name"], "address": fields["address"]},
    )
    ensure_default_groups(community)
    for plan in layout.COMPOUNDS:
        Compound.objects.update_or_create(
            community=community, name=plan.name, defaults={"address": plan.address}
        )
    return community


def _home_index(community):
    """Every home of `community` by its (compound, building, unit, room) key."""
    homes = Home.objects.in_community(community).select_related("unit__building__compound")
    return {(h.compound.name, h.building.name, h.unit.name, h.room): h for h in homes}


def _unit(community, compound, building, unit):
    """The unit named by a home key, created with its building if missing."""
    compound = Compound.objects.get(community=community, name=compound)
    building, _ = Building.objects.get_or_create(compound=compound, name=building)
    return Unit.objects.get_or_create(building=building, name=unit)[0]


def ensure_developer_homes(community, plans):
    """Homes the developer still holds (nobody lives there): created or flagged undelivered."""
    index, units, new, stale = _home_index(community), {}, [], []
    for plan in plans:
        home = index.get(plan.key)
        if home is None:
            new.append(_developer_home(community, plan, units))
        elif home.delivered or home.is_parking_space != plan.parking:
            home.delivered, home.is_parking_space = False, plan.parking
            stale.append(home)
    Home.objects.bulk_create(new, batch_size=1000)
    Home.objects.bulk_update(stale, ["delivered", "is_parking_space"], batch_size=1000)


def _developer_home(community, plan, units):
    """An unsaved undelivered home with its area in the field its source names."""
    unit_key = plan.key[:3]
    if unit_key not in units:
        units[unit_key] = _unit(community, *unit_key)
    home = Home(
        unit=units[unit_key], room=plan.room, delivered=False, is_parking_space=plan.parking
    )
    setattr(home, AREA_FIELDS[SOURCES[plan.source]], plan.area)
    return home


def mark_parking_spaces(community):
    """Every home in a compound garage is a parking space, including those owners bought."""
    garage = Home.objects.in_community(community).filter(unit__building__name=layout.GARAGE)
    garage.filter(is_parking_space=False).update(is_parking_space=True)


def ensure_grids(community):
    """The four grids, each exactly the buildings layout.GRIDS gives it; by name."""
    buildings = {
        (b.compound.name, b.name): b
        for b in Building.objects.filter(compound__community=community).select_related("compound")
    }
    grids = {}
    for name, keys in layout.GRIDS.items():
        grid, _ = Grid.objects.get_or_create(community=community, name=name)
        grid.buildings.set([buildings[key] for key in keys])
        grids[name] = grid
    return grids


def ensure_stations(community):
    """A red station (微光议站) per compound, the meeting hall and the service centre."""
    compounds = {c.name: c for c in community.compounds.all()}
    for name, kind, compound, address, hours in layout.STATIONS:
        Station.objects.update_or_create(
            community=community,
            name=name,
            defaults={
                "kind": kind,
                "compound": compounds.get(compound),
                "address": address,
                "opening_hours": hours,
            },
        )


def ensure_organisations(community):
    """The residents' committee, property company, owners' committee and the rest, by key."""
    organisations = {}
    for key, name, kind, local, phone in layout.ORGANISATIONS:
        organisations[key], _ = Organisation.objects.update_or_create(
            community=community if local else None,
            name=name,
            defaults={"kind": kind, "phone": phone},
        )
    return organisations


def ensure_staff(community, grids, organisations):
    """Every cast member with a role gets it, and a password login; the admin too."""
    staff = [m for m in CAST if m.role]
    users = {m.phone: _user(m) for m in [*staff, ADMIN]}
    _set_demo_password(list(users.values()))
    _make_admin(users[ADMIN.phone])
    for member in staff:
        scope = _scope(community, grids, member.scope)
        organisation = organisations.get(member.organisation)
        grant_role(users[member.phone], member.role, scope, by=None, organisation=organisation)


def _user(member):
    """The member's account by phone; residents among them were made by the register import."""
    user, created = User.objects.get_or_create(phone=member.phone, defaults={"name": member.name})
    if not created and user.name != member.name:
        user.name = member.name
        user.save(update_fields=["name"])
    return user


def _set_demo_password(users):
    """Give everyone settings.DEMO_PASSWORD, hashing it at most once per run."""
    password = settings.DEMO_PASSWORD
    first = users[0]
    encoded = first.password if first.check_password(password) else make_password(password)
    stale = [u for u in users if u.password != encoded]
    for user in stale:
        user.password = encoded
    User.objects.bulk_update(stale, ["password"])


def _make_admin(user):
    if not (user.is_staff and user.is_superuser):
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])


def _scope(community, grids, scope):
    """The place a cast member's scope tuple names."""
    kind, *names = scope
    if kind == "street":
        return community.street
    if kind == "community":
        return community
    if kind == "grid":
        return grids[names[0]]
    compound = Compound.objects.get(community=community, name=names[0])
    if kind == "compound":
        return compound
    return Building.objects.get(compound=compound, name=names[1])


def counts(community):
    """Headline figures of the community, for the command's summary and the tests."""
    homes = Home.objects.in_community(community)
    flats = homes.filter(is_parking_space=False)
    return {
        "compounds": community.compounds.count(),
        "buildings": Building.objects.filter(compound__community=community).count(),
        "flats": flats.count(),
        "unsold": flats.filter(delivered=False).count(),
        "parking_spaces": homes.filter(is_parking_space=True).count(),
        "households": flats.filter(residencies__isnull=False).distinct().count(),
        "residents": User.objects.filter(residencies__home__in=homes).distinct().count(),
        "residencies": Residency.objects.filter(home__in=homes).count(),
        "grids": community.grids.count(),
        "stations": community.stations.count(),
        "organisations": Organisation.objects.filter(
            Q(community=community) | Q(community=None)
        ).count(),
        "roles": RoleAssignment.objects.count(),
    }
