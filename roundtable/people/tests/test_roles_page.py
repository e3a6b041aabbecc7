"""Granting and revoking roles through the workspace page."""

from django.test import Client
from django.urls import reverse

from roundtable.audit.models import Event
from roundtable.people.models import Role, RoleAssignment, User
from roundtable.people.tests.factories import OrganisationFactory


def test_community_worker_grants_a_role_to_a_new_person(
    client, community_worker, community, compound
):
    org = OrganisationFactory(community=community, name="澜菲物业服务中心")
    client.force_login(community_worker)
    response = client.post(
        reverse("people:roles"),
        {
            "community": "lf",
            "phone": "13600000001",
            "name": "谢经理",
            "role": Role.PROPERTY_STAFF,
            "scope": f"compound:{compound.pk}",
            "organisation": org.pk,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(phone="13600000001")
    assignment = RoleAssignment.objects.get(user=user)
    assert assignment.compound == compound and assignment.organisation == org
    event = Event.objects.filter(action="role.granted").last()
    assert event.actor == community_worker and event.actor_role == "community_worker"


def test_grant_needs_a_name_for_unknown_numbers(client, community_worker, community):
    client.force_login(community_worker)
    response = client.post(
        reverse("people:roles"),
        {
            "community": "lf",
            "phone": "13600000002",
            "role": Role.VOLUNTEER,
            "scope": f"community:{community.pk}",
        },
    )
    assert response.status_code == 400
    assert not User.objects.filter(phone="13600000002").exists()


def test_grant_refuses_a_scope_of_another_community(client, community_worker):
    from roundtable.places.tests.factories import CompoundFactory

    foreign = CompoundFactory()
    client.force_login(community_worker)
    response = client.post(
        reverse("people:roles"),
        {
            "community": "lf",
            "phone": "13800000001",
            "role": Role.VOLUNTEER,
            "scope": f"compound:{foreign.pk}",
        },
    )
    assert response.status_code == 400
    assert RoleAssignment.objects.filter(compound=foreign).count() == 0


def test_revoke_is_audited(client, community_worker, grid_worker):
    assignment = RoleAssignment.objects.get(user=grid_worker)
    client.force_login(community_worker)
    confirm = client.get(reverse("people:revoke_role", args=[assignment.pk]))
    assert confirm.status_code == 200 and "王网格" in confirm.content.decode()
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()
    response = client.post(reverse("people:revoke_role", args=[assignment.pk]), {"community": "lf"})
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert Event.objects.filter(action="role.revoked", object_id=str(grid_worker.pk)).exists()


def test_grid_worker_cannot_manage_roles(client, grid_worker, community_worker):
    client.force_login(grid_worker)
    assert client.get(reverse("people:roles")).status_code == 403
    assignment = RoleAssignment.objects.get(user=community_worker)
    response = client.post(reverse("people:revoke_role", args=[assignment.pk]))
    assert response.status_code == 403
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_roles_page_lists_holders(client, community_worker, grid_worker, property_staff):
    client.force_login(community_worker)
    html = client.get(reverse("people:roles")).content.decode()
    assert "王网格" in html and "谢经理" in html


def test_roles_form_needs_csrf(community_worker, community):
    client = Client(enforce_csrf_checks=True)
    client.force_login(community_worker)
    response = client.post(reverse("people:roles"), {"phone": "13600000003"})
    assert response.status_code == 403


def test_staff_sets_a_password_after_code_login(client, db):
    user = User.objects.create_user("13600000004", name="新同事")
    client.force_login(user)
    response = client.post(
        reverse("people:password"),
        {
            "new_password1": "a-long-s3cret-phrase",
            "new_password2": "a-long-s3cret-phrase",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-long-s3cret-phrase")
    assert Event.objects.filter(action="password.set", actor=user).exists()


def test_weak_password_is_refused_with_a_message(client, db):
    user = User.objects.create_user("13600000005")
    client.force_login(user)
    response = client.post(
        reverse("people:password"),
        {
            "new_password1": "123",
            "new_password2": "123",
        },
    )
    assert response.status_code == 400 and "errorlist" in response.content.decode()
