"""The world the route × persona matrix (test_route_matrix.py) asks its questions in.

Two communities on two streets. In 澜菲溪岸 (code lf): the compound J5 with 1栋 (第三网格)
and 2栋 (第四网格), a station in J5; suggestions in the statuses the routes need; a draft, an
open (with a ballot conflict) and a closed poll of J5; an announced round table with a
registration; a constituency group with a member; a message. In 其他社区 (code other): its
own community worker, a poll, a meeting and a suggestion, the objects staff of lf must not
reach. Built once per test module, through the apps' factories and actions; dates relative
to now (nothing depends on today's date).
"""

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from roundtable.meetings import actions as meeting_actions
from roundtable.meetings.models import CalendarFeed, Kind
from roundtable.notifications.models import Notification
from roundtable.people.actions import ensure_default_groups, grant_role, revoke_role
from roundtable.people.models import OrganisationKind, Relation, Role
from roundtable.people.tests.factories import OrganisationFactory, ResidencyFactory, UserFactory
from roundtable.places.tests.factories import (
    BuildingFactory,
    CommunityFactory,
    CompoundFactory,
    GridFactory,
    HomeFactory,
    StationFactory,
    StreetFactory,
    UnitFactory,
)
from roundtable.suggestions import actions as suggestion_actions
from roundtable.suggestions.models import Photo, PhotoKind, Step
from roundtable.suggestions.tests.factories import CategoryFactory, SuggestionFactory
from roundtable.votes import actions as vote_actions
from roundtable.votes.models import Conflict, ElectorateKind, Method, Rule, Voter

# A 1×1 JPEG: what the photo routes serve.
JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c"
    "1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffc000"
    "0b080001000101011100ffc4001f0000010501010101010100000000000000000102030405060708090a0bffc400"
    "b5100002010303020403050504040000017d01020300041105122131410613516107227114328191a1082342b1c1"
    "1552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a63"
    "6465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6"
    "b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffda0008"
    "010100003f00fbd3ffd9"
)


@dataclass
class World:
    people: dict = field(default_factory=dict)  # persona → user (anonymous: None)
    objects: dict = field(default_factory=dict)  # name → object
    media: Path | None = None
    sessions: dict = field(default_factory=dict)  # persona → session key (test_route_matrix.py)

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


def _user(phone, name):
    return UserFactory(phone=phone, name=name)


def build(media):
    """Every object the routes are asked about; `media` receives the photos' files."""
    w = World(media=Path(media))
    o = w.objects
    street = StreetFactory(name="四新街道")
    o["community"] = lf = CommunityFactory(street=street, name="澜菲溪岸社区", code="lf")
    ensure_default_groups(lf)
    o["compound"] = j5 = CompoundFactory(community=lf, name="J5")
    o["building"] = b1 = BuildingFactory(compound=j5, name="1栋")
    o["building2"] = b2 = BuildingFactory(compound=j5, name="2栋")
    o["home"] = home = HomeFactory(unit=UnitFactory(building=b1), room="301")
    o["home2"] = home2 = HomeFactory(unit=UnitFactory(building=b2), room="502")
    o["grid"] = grid = GridFactory(community=lf, name="第三网格")
    grid.buildings.add(b1)
    o["grid2"] = grid2 = GridFactory(community=lf, name="第四网格")
    grid2.buildings.add(b2)
    o["station"] = StationFactory(community=lf, compound=j5, name="J5红色驿站")
    o["committee"] = committee = OrganisationFactory(
        community=lf, name="澜菲溪岸社区居委会", kind=OrganisationKind.RESIDENTS_COMMITTEE
    )
    o["company"] = company = OrganisationFactory(
        community=lf, name="澜菲物业服务中心", kind=OrganisationKind.PROPERTY_COMPANY
    )

    other_street = StreetFactory(name="江堤街道")
    o["other"] = other = CommunityFactory(street=other_street, name="其他社区", code="other")
    ensure_default_groups(other)
    other_compound = CompoundFactory(community=other, name="K1")
    other_home = HomeFactory(unit=UnitFactory(building=BuildingFactory(compound=other_compound)))
    ResidencyFactory(user=_user("13900000003", "其他居民"), home=other_home)

    p = w.people
    p["anonymous"] = None
    p["resident"] = resident = _user("13900000001", "孙阿姨")
    ResidencyFactory(user=resident, home=home, relation=Relation.OWNER)
    p["neighbour"] = neighbour = _user("13900000002", "钱先生")
    ResidencyFactory(user=neighbour, home=home2, relation=Relation.OWNER)

    def staff(persona, phone, name, role, scope, organisation=None):
        p[persona] = user = _user(phone, name)
        grant_role(user, role, scope, by=None, organisation=organisation)
        return user

    community_worker = staff("community_worker", "13800000001", "王书记", Role.COMMUNITY_WORKER,
                             lf, committee)  # fmt: skip
    staff("grid_worker", "13800000002", "王网格", Role.GRID_WORKER, grid)
    staff("grid_worker_elsewhere", "13800000004", "张网格", Role.GRID_WORKER, grid2)
    staff("property_staff", "13800000003", "谢经理", Role.PROPERTY_STAFF, j5, company)
    staff("building_leader", "13800000005", "姚楼长", Role.BUILDING_LEADER, b1)
    staff("party_secretary", "13800000006", "李书记", Role.PARTY_SECRETARY, j5)
    staff("resident_representative", "13800000007", "赵代表", Role.RESIDENT_REPRESENTATIVE, j5)
    staff("owners_committee_member", "13800000008", "钱委员", Role.OWNERS_COMMITTEE_MEMBER, j5)
    staff("volunteer", "13800000009", "陈志愿", Role.VOLUNTEER, lf)
    staff("street_official", "13800000010", "街道刘科长", Role.STREET_OFFICIAL, street)
    other_worker = staff("other_community_worker", "13800000011", "外社区", Role.COMMUNITY_WORKER,
                         other)  # fmt: skip
    revoked = staff("revoked", "13800000012", "前书记", Role.COMMUNITY_WORKER, lf)
    revoke_role(revoked.role_assignments.get(), by=None)
    p["outsider"] = _user("13700000009", "路人")
    # A role the roles page may revoke (the revoked persona's own one is gone).
    o["assignment"] = grant_role(_user("13600000001", "待撤销"), Role.VOLUNTEER, lf, by=None)

    # Suggestions: 孙阿姨's, just submitted (with a private photo), dispatched to the property
    # company (with a public photo) and answered (awaiting her rating); one of the other community.
    category = CategoryFactory(community=lf, code="05.06", name="游乐健身设施")

    def suggestion(reference, text, community=lf, **fields):
        return SuggestionFactory(community=community, reference=reference, text=text, **fields)

    mine = {"submitter": resident, "home": home, "building": b1, "compound": j5, "grid": grid}
    o["submitted"] = submitted = suggestion(
        "LF-2026-000001", "楼道里堆了很多纸箱，影响通行。", **mine
    )
    o["dispatched"] = dispatched = suggestion(
        "LF-2026-000002", "小区游乐场的地胶破损了，孩子容易摔倒，希望更换。",
        suggested_category=category, **mine,
    )  # fmt: skip
    suggestion_actions.dispatch(dispatched, by=community_worker, owner=company)
    o["answered"] = answered = suggestion("LF-2026-000003", "路灯不亮了。", **mine)
    suggestion_actions.answer(answered, by=community_worker, text="已经修好了。")
    o["foreign"] = suggestion("OT-2026-000001", "其他社区的建议。", community=other)
    o["private_photo"] = _photo(w, submitted, public=False)
    o["public_photo"] = _photo(w, dispatched, public=True)

    # Polls of J5's homes (孙阿姨 and 钱先生 vote): a draft yes/no, an open one of two options
    # with a ballot conflict, a closed one.
    def poll(question, community=lf, by=community_worker, method=Method.YES_NO, **scope):
        now = timezone.now()
        return vote_actions.create_poll(
            community=community, by=by, question=question, method=method,
            electorate_kind=ElectorateKind.RESIDENTS_HOMES, rule=Rule.NONE,
            opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=7), **scope,
        )  # fmt: skip

    o["draft"] = poll("是否同意在J5加装充电桩？", compound=j5)
    o["poll"] = open_poll = poll(
        "游乐场换哪种地胶？", compound=j5, method=Method.SINGLE,
        options=[{"title": "EPDM颗粒"}, {"title": "悬浮拼装地板"}],
    )  # fmt: skip
    vote_actions.open_poll(open_poll, by=community_worker)
    o["option"] = option = open_poll.options.order_by("order").first()
    option.image.save("yes.jpg", _content(), save=True)
    o["conflict"] = Conflict.objects.create(
        poll=open_poll,
        voter=Voter.objects.filter(poll=open_poll).first(),
        channel="paper",
        paper_serial="J5-0001",
    )
    o["closed"] = closed = poll("是否同意延长垃圾清运时间？", compound=j5)
    vote_actions.open_poll(closed, by=community_worker)
    vote_actions.close_poll(closed, by=community_worker, reason="业主大会决定提前结束")
    o["foreign_poll"] = foreign_poll = poll("其他社区的投票？", community=other, by=other_worker)
    vote_actions.open_poll(foreign_poll, by=other_worker)

    # The round table in five days, announced, 孙阿姨 registered; next month's, a draft; one of
    # the other community.
    day = timezone.localdate() + timedelta(days=5)
    o["meeting"] = meeting = meeting_actions.schedule_meeting(
        lf, by=community_worker, kind=Kind.ROUND_TABLE, title="星空圆桌", day=day,
        place="居民议事厅", draft=True,
    )  # fmt: skip
    meeting_actions.announce_meeting(meeting, by=community_worker)
    meeting.refresh_from_db()
    meeting_actions.register(meeting, by=resident)
    o["draft_meeting"] = meeting_actions.schedule_meeting(
        lf, by=community_worker, kind=Kind.ROUND_TABLE, title="下月圆桌（草稿）",
        day=day + timedelta(days=28), place="居民议事厅", draft=True,
    )  # fmt: skip
    o["foreign_meeting"] = meeting_actions.schedule_meeting(
        other, by=other_worker, kind=Kind.ROUND_TABLE, title="其他圆桌", day=day, place="活动室"
    )
    o["feed"] = CalendarFeed.objects.create(user=resident)

    o["group"] = group = lf.groups.order_by("order").first()
    group.members.add(resident)
    o["foreign_group"] = other.groups.order_by("order").first()
    o["message"] = Notification.objects.create(user=resident, text="您的建议已受理。")
    return w


def _content():
    from django.core.files.base import ContentFile

    return ContentFile(JPEG, name="photo.jpg")


def _photo(w, suggestion, *, public):
    step = Step.objects.filter(suggestion=suggestion).first()
    photo = Photo(suggestion=suggestion, step=step, kind=PhotoKind.SUBMISSION, public=public)
    photo.image.save(f"{suggestion.reference}.jpg", _content(), save=False)
    photo.thumbnail.save(f"{suggestion.reference}-t.jpg", _content(), save=False)
    photo.save()
    return photo
