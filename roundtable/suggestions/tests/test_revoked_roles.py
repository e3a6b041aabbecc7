"""Once a role is revoked, its holder sees nothing through it: slips, their photos, the register."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from roundtable.common.photos import clean_photo
from roundtable.people.actions import revoke_role
from roundtable.suggestions import intake
from roundtable.suggestions.models import Channel, PhotoKind


def jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, "JPEG")
    return clean_photo(SimpleUploadedFile("s.jpg", buffer.getvalue(), content_type="image/jpeg"))


@pytest.fixture
def slip(grid_worker, community, home, resident):
    """A paper slip 小王 entered for 孙阿姨, with its photo."""
    return intake.submit_suggestion(
        community=community,
        text="楼道灯坏了",
        channel=Channel.GRID_BOX,
        by=grid_worker,
        submitter=resident,
        home=home,
        slip_photo=jpeg(),
    )


def pages(slip):
    photo = slip.photos.get(kind=PhotoKind.SLIP)
    return [
        reverse("suggestions:detail", args=[slip.reference]),
        reverse("suggestions:photo", args=[slip.reference, photo.pk]),
        reverse("suggestions:thumbnail", args=[slip.reference, photo.pk]),
    ]


def test_a_grid_worker_opens_the_slips_they_entered(client, grid_worker, slip):
    client.force_login(grid_worker)
    assert [client.get(url).status_code for url in pages(slip)] == [200, 200, 200]


def test_a_revoked_grid_worker_no_longer_opens_the_slips_they_entered(client, grid_worker, slip):
    revoke_role(grid_worker.role_assignments.get(), by=None)
    client.force_login(grid_worker)
    assert [client.get(url).status_code for url in pages(slip)] == [404, 404, 404]
    assert client.get(reverse("suggestions:grid_queue")).status_code == 403


def test_a_grid_worker_moved_to_another_grid_no_longer_opens_the_old_grids_slips(
    client, grid_worker, slip, community
):
    from roundtable.people.actions import grant_role
    from roundtable.places.tests.factories import GridFactory

    revoke_role(grid_worker.role_assignments.get(), by=None)
    grant_role(grid_worker, "grid_worker", GridFactory(community=community), by=None)
    client.force_login(grid_worker)
    assert [client.get(url).status_code for url in pages(slip)] == [404, 404, 404]


def test_a_revoked_grid_worker_no_longer_sees_the_register(client, grid_worker, resident):
    client.force_login(grid_worker)
    assert "孙阿姨" in client.get(reverse("people:register")).content.decode()
    revoke_role(grid_worker.role_assignments.get(), by=None)
    response = client.get(reverse("people:register"))
    assert response.status_code == 403 and "孙阿姨" not in response.content.decode()
