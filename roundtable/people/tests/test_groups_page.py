"""Constituency groups (议事组别) and their members, edited by community workers."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from roundtable.audit.models import Event
from roundtable.people import actions
from roundtable.people.models import DEFAULT_GROUPS, ConstituencyGroup, Residency, Role
from roundtable.people.permissions import _ALL, ROLE_PERMISSIONS, Perm
from roundtable.people.tests.factories import ResidencyFactory, UserFactory
from roundtable.places.tests.factories import CommunityFactory, HomeFactory, UnitFactory

REFUSED = ["grid_worker", "resident", "other_worker", "outsider"]


@pytest.fixture
def other_worker(db):
    """李书记: community worker of 四新社区; no say over 澜菲溪岸社区's groups."""
    other = CommunityFactory(name="四新社区", code="sx")
    actions.ensure_default_groups(other)
    user = UserFactory(phone="13800000009", name="李书记")
    actions.grant_role(user, Role.COMMUNITY_WORKER, other, by=None)
    return user


@pytest.fixture
def silver(community, resident):
    """银龄, the first group of 澜菲溪岸社区, with 孙阿姨 as its member."""
    group = community.groups.get(name="银龄")
    group.members.add(resident)
    return group


@pytest.fixture
def neighbour(home):
    """李大爷: lives upstairs from 孙阿姨, in no group yet."""
    user = UserFactory(phone="13900000002", name="李大爷")
    ResidencyFactory(user=user, home=HomeFactory(unit=home.unit, room="502"))
    return user


def names(community):
    return list(community.groups.values_list("name", flat=True))


def group_events():
    return Event.objects.filter(action__startswith="group.")


# Actions, called directly.


def test_community_worker_creates_a_group_at_the_end(community, community_worker):
    group = actions.create_group(community, "  楼栋长  ", by=community_worker)
    assert group.name == "楼栋长" and names(community)[-1] == "楼栋长"
    event = group_events().get()
    assert event.action == "group.created" and event.actor == community_worker
    assert event.actor_role == Role.COMMUNITY_WORKER and event.community_id == community.pk
    assert event.details == {"name": "楼栋长"}


@pytest.mark.parametrize(
    "name, code", [("银龄", "duplicate"), ("   ", "required"), ("长" * 51, "max_length")]
)
def test_create_group_refuses_bad_names(community, community_worker, name, code):
    with pytest.raises(ValidationError) as refused:
        actions.create_group(community, name, by=community_worker)
    assert refused.value.code == code
    assert names(community) == DEFAULT_GROUPS and not group_events().exists()


def test_the_same_name_is_fine_in_another_community(community, other_worker):
    other = ConstituencyGroup.objects.exclude(community=community).first().community
    actions.create_group(other, "楼栋长", by=other_worker)
    assert not community.groups.filter(name="楼栋长").exists()


def test_rename_keeps_members_and_is_recorded(silver, community_worker, resident):
    actions.rename_group(silver, "银发", by=community_worker)
    silver.refresh_from_db()
    assert silver.name == "银发" and list(silver.members.all()) == [resident]
    event = group_events().get()
    assert event.action == "group.renamed"
    assert event.details == {"old_name": "银龄", "new_name": "银发"}


def test_rename_to_a_taken_name_is_refused(silver, community_worker):
    with pytest.raises(ValidationError):
        actions.rename_group(silver, "青年", by=community_worker)
    silver.refresh_from_db()
    assert silver.name == "银龄" and not group_events().exists()


def test_move_renumbers_the_list(community, community_worker):
    youth = community.groups.get(name="青年")
    assert actions.move_group(youth, -1, by=community_worker)
    assert names(community)[:3] == ["银龄", "青年", "妇女儿童"]
    assert list(community.groups.values_list("order", flat=True)) == list(range(8))
    assert group_events().get().details == {"from_position": 3, "to_position": 2}


def test_moving_past_the_end_does_nothing(community, community_worker):
    first = community.groups.first()
    assert not actions.move_group(first, -1, by=community_worker)
    assert names(community) == DEFAULT_GROUPS and not group_events().exists()


def test_delete_keeps_the_members_as_residents(silver, community_worker, resident):
    assert actions.delete_group(silver, by=community_worker) == 1
    assert not ConstituencyGroup.objects.filter(pk=silver.pk).exists()
    assert Residency.objects.filter(user=resident).exists()
    event = group_events().get()
    assert event.action == "group.deleted" and event.details == {"name": "银龄", "members": 1}


def test_members_are_added_and_removed(silver, community_worker, neighbour):
    assert actions.add_group_member(silver, neighbour, by=community_worker)
    assert not actions.add_group_member(silver, neighbour, by=community_worker)
    assert actions.remove_group_member(silver, neighbour, by=community_worker)
    assert not silver.members.filter(pk=neighbour.pk).exists()
    actions_done = list(group_events().values_list("action", flat=True))
    assert actions_done == ["group.member_added", "group.member_removed"]
    assert group_events().first().details["member_id"] == neighbour.pk


def test_only_residents_of_the_community_can_join(silver, community_worker, outsider):
    with pytest.raises(ValidationError):
        actions.add_group_member(silver, outsider, by=community_worker)
    assert not silver.members.filter(pk=outsider.pk).exists()


@pytest.mark.parametrize("persona", REFUSED)
@pytest.mark.parametrize(
    "change",
    [
        lambda g, by, p: actions.create_group(g.community, "楼栋长", by=by),
        lambda g, by, p: actions.rename_group(g, "银发", by=by),
        lambda g, by, p: actions.move_group(g, 1, by=by),
        lambda g, by, p: actions.delete_group(g, by=by),
        lambda g, by, p: actions.add_group_member(g, p, by=by),
        lambda g, by, p: actions.remove_group_member(g, p, by=by),
    ],
    ids=["create", "rename", "move", "delete", "add_member", "remove_member"],
)
def test_others_may_not_change_groups(request, persona, change, silver, resident, neighbour):
    by = request.getfixturevalue(persona)
    member = resident if "remove" in request.node.callspec.id else neighbour
    with pytest.raises(PermissionDenied):
        change(silver, by, member)
    assert names(silver.community) == DEFAULT_GROUPS
    assert list(silver.members.all()) == [resident]
    assert not group_events().exists()


# Pages, through the test client.


def test_groups_page_lists_groups_in_order_with_counts(
    client, community_worker, silver, django_assert_max_num_queries
):
    client.force_login(community_worker)
    # Session, user, roles, the community, the chooser's communities, the groups with counts.
    with django_assert_max_num_queries(7):
        response = client.get(reverse("people:groups"))
    html = response.content.decode()
    assert response.status_code == 200
    assert [html.index(name) for name in DEFAULT_GROUPS] == sorted(
        html.index(name) for name in DEFAULT_GROUPS
    )
    assert response.context["groups"][0].member_count == 1


def test_workspace_links_to_groups_only_for_those_who_may_edit(
    client, community_worker, grid_worker
):
    client.force_login(community_worker)
    assert reverse("people:groups") in client.get(reverse("people:workspace")).content.decode()
    client.force_login(grid_worker)
    assert reverse("people:groups") not in client.get(reverse("people:workspace")).content.decode()


def test_community_worker_adds_a_group_through_the_page(client, community_worker, community):
    client.force_login(community_worker)
    response = client.post(reverse("people:groups"), {"community": "lf", "name": "楼栋长"})
    group = community.groups.get(name="楼栋长")
    assert response.status_code == 302 and response.url.endswith(f"#group-{group.pk}")
    assert group_events().get(action="group.created").actor == community_worker


@pytest.mark.parametrize(
    "name, message",
    [
        ("银龄", "澜菲溪岸社区 already has a group called “银龄”."),
        ("", "Enter a name for the group."),
        ("长" * 51, "A group name has at most 50 characters."),
    ],
)
def test_bad_group_names_are_refused_with_a_message(
    client, community_worker, community, name, message
):
    client.force_login(community_worker)
    response = client.post(
        reverse("people:groups"), {"community": "lf", "name": name}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert names(community) == DEFAULT_GROUPS


def test_duplicate_message_is_translated(client, community_worker, community):
    client.force_login(community_worker)
    client.cookies["django_language"] = "zh-hans"
    response = client.post(reverse("people:groups"), {"community": "lf", "name": "银龄"})
    assert "澜菲溪岸社区已有名为“银龄”的组别" in response.content.decode()


def test_rename_through_the_page(client, community_worker, silver):
    client.force_login(community_worker)
    url = reverse("people:group_rename", args=[silver.pk])
    assert client.get(url).status_code == 200
    taken = client.post(url, {"name": "青年"})
    assert taken.status_code == 400 and "errorlist" in taken.content.decode()
    assert client.post(url, {"name": "银发"}).status_code == 302
    silver.refresh_from_db()
    assert silver.name == "银发"
    assert group_events().get().action == "group.renamed"


def test_move_buttons_reorder_the_list(client, community_worker, community):
    youth = community.groups.get(name="青年")
    client.force_login(community_worker)
    url = reverse("people:group_move", args=[youth.pk])
    response = client.post(url, {"direction": "up"})
    assert response.status_code == 302 and response.url.endswith(f"#group-{youth.pk}")
    assert names(community)[1] == "青年"
    client.post(url, {"direction": "down"})
    assert names(community) == DEFAULT_GROUPS
    assert group_events().filter(action="group.moved").count() == 2
    assert client.get(url).status_code == 405


def test_delete_asks_first_and_says_how_many_members(client, community_worker, silver, resident):
    client.force_login(community_worker)
    url = reverse("people:group_delete", args=[silver.pk])
    confirm = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert confirm.status_code == 200 and "It has 1 member." in confirm.content.decode()
    assert ConstituencyGroup.objects.filter(pk=silver.pk).exists()
    assert client.post(url).status_code == 302
    assert not ConstituencyGroup.objects.filter(pk=silver.pk).exists()
    assert Residency.objects.filter(user=resident).exists()
    assert group_events().get().action == "group.deleted"


def test_deleting_an_empty_group_says_so(client, community_worker, community):
    client.force_login(community_worker)
    youth = community.groups.get(name="青年")
    confirm = client.get(reverse("people:group_delete", args=[youth.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "It has no members." in confirm.content.decode()


def test_group_page_lists_members_with_full_phones(client, community_worker, silver):
    client.force_login(community_worker)
    html = client.get(reverse("people:group", args=[silver.pk])).content.decode()
    assert "孙阿姨" in html and "13900000001" in html and "J5 1栋 1单元 301" in html


def test_phones_are_masked_without_see_phone(client, community_worker, silver, monkeypatch):
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.COMMUNITY_WORKER, _ALL - {Perm.SEE_PHONE})
    client.force_login(community_worker)
    html = client.get(reverse("people:group", args=[silver.pk])).content.decode()
    assert "139****0001" in html and "13900000001" not in html


@pytest.mark.parametrize("query", ["孙", "0001", "301"])
def test_members_are_searchable(client, community_worker, silver, neighbour, query):
    silver.members.add(neighbour)
    client.force_login(community_worker)
    response = client.get(reverse("people:group", args=[silver.pk]), {"q": query})
    assert [m.name for m in response.context["page"]] == ["孙阿姨"]


def test_members_page_is_paginated_with_pinned_queries(
    client, community_worker, silver, building, django_assert_max_num_queries
):
    unit = UnitFactory(building=building, name="2单元")
    for n in range(60):
        user = UserFactory(phone=f"1370000{n:04d}", name=f"居民{n:02d}")
        ResidencyFactory(user=user, home=HomeFactory(unit=unit, room=f"{n + 100}"))
        silver.members.add(user)
    client.force_login(community_worker)
    url = reverse("people:group", args=[silver.pk])
    # Session, user, group, roles, the count, one page of members, their homes here.
    with django_assert_max_num_queries(8):
        first = client.get(url)
    assert len(first.context["page"]) == 50 and first.context["page"].paginator.count == 61
    with django_assert_max_num_queries(8):
        second = client.get(url, {"page": 2})
    assert len(second.context["page"]) == 11


def test_community_worker_adds_a_member_by_mobile_number(client, community_worker, silver):
    client.force_login(community_worker)
    url = reverse("people:group", args=[silver.pk])
    UserFactory(phone="13900000002", name="李大爷")  # registered, but no home yet
    refused = client.post(url, {"phone": "13900000002"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert "No resident of 澜菲溪岸社区 has this mobile number." in refused.content.decode()
    unknown = client.post(url, {"phone": "13900000099"})
    assert unknown.status_code == 400
    assert silver.members.count() == 1 and not group_events().exists()


def test_adding_a_resident_is_recorded(client, community_worker, silver, neighbour):
    client.force_login(community_worker)
    url = reverse("people:group", args=[silver.pk])
    assert client.post(url, {"phone": "139 0000 0002"}).status_code == 302
    assert silver.members.filter(pk=neighbour.pk).exists()
    client.post(url, {"phone": "13900000002"})  # already a member: nothing new
    assert group_events().get().action == "group.member_added"


def test_a_resident_of_another_community_cannot_join(client, community_worker, silver):
    elsewhere = UserFactory(phone="13900000003", name="外社区居民")
    ResidencyFactory(user=elsewhere)
    client.force_login(community_worker)
    response = client.post(reverse("people:group", args=[silver.pk]), {"phone": "13900000003"})
    assert response.status_code == 400
    assert not silver.members.filter(pk=elsewhere.pk).exists()


def test_removing_a_member_is_recorded_and_keeps_them_resident(
    client, community_worker, silver, resident
):
    client.force_login(community_worker)
    url = reverse("people:group_remove_member", args=[silver.pk, resident.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"q": "孙", "page": "1"})
    assert response.status_code == 302 and "q=" in response.url
    assert not silver.members.exists()
    assert Residency.objects.filter(user=resident).exists()
    assert group_events().get().action == "group.member_removed"


def _page_requests(group, member):
    rename = reverse("people:group_rename", args=[group.pk])
    delete = reverse("people:group_delete", args=[group.pk])
    detail = reverse("people:group", args=[group.pk])
    return [
        ("get", reverse("people:groups") + "?community=lf", {}),
        ("post", reverse("people:groups"), {"community": "lf", "name": "楼栋长"}),
        ("get", detail, {}),
        ("post", detail, {"phone": member.phone}),
        ("get", rename, {}),
        ("post", rename, {"name": "银发"}),
        ("post", reverse("people:group_move", args=[group.pk]), {"direction": "down"}),
        ("get", delete, {}),
        ("post", delete, {}),
        ("post", reverse("people:group_remove_member", args=[group.pk, member.pk]), {}),
    ]


@pytest.mark.parametrize("persona", REFUSED)
def test_others_are_refused_by_every_page(client, request, persona, silver, resident):
    client.force_login(request.getfixturevalue(persona))
    for method, url, data in _page_requests(silver, resident):
        response = getattr(client, method)(url, data)
        # The list refuses (403); a group's own pages answer as for a missing group (404), so
        # nobody learns which groups exist.
        expected = (
            403
            if url.startswith(reverse("people:groups") + "?") or url == reverse("people:groups")
            else 404
        )
        assert response.status_code == expected, (method, url)
        assert "孙阿姨" not in response.content.decode()
    assert names(silver.community) == DEFAULT_GROUPS
    assert list(silver.members.all()) == [resident]
    assert not group_events().exists()


def test_visitors_are_sent_to_log_in(client, silver, resident):
    for method, url, data in _page_requests(silver, resident):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and "/login/" in response.url
    assert not group_events().exists()


def test_a_missing_group_is_not_found(client, community_worker):
    client.force_login(community_worker)
    assert client.get(reverse("people:group", args=[999999])).status_code == 404


def test_every_change_needs_the_csrf_token(community_worker, silver, resident):
    client = Client(enforce_csrf_checks=True)
    client.force_login(community_worker)
    for method, url, data in _page_requests(silver, resident):
        if method == "post":
            assert client.post(url, data).status_code == 403, url
    assert names(silver.community) == DEFAULT_GROUPS
    assert list(silver.members.all()) == [resident]
    assert not group_events().exists()
