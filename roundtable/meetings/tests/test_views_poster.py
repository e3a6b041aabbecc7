"""The A4 check-in poster: a QR code of the check-in address with the meeting's code."""

import pytest


def test_the_poster_shows_the_check_in_address_as_text_and_qr_code(
    client, meeting, community_worker
):
    client.force_login(community_worker)
    page = client.get(f"/work/meetings/{meeting.pk}/poster/").content.decode()
    assert f"http://testserver/m/{meeting.check_in_token}/" in page
    assert "<svg" in page and "十一月星空圆桌" in page and "澜菲溪岸社区" in page
    assert "18:00" in page and "21:00" in page  # when check-in opens and closes


def test_check_in_staff_may_print_it(client, meeting, volunteer):
    client.force_login(volunteer)
    assert client.get(f"/work/meetings/{meeting.pk}/poster/").status_code == 200


@pytest.mark.parametrize("persona", ["resident", "property_staff", "outsider"])
def test_others_never_see_the_check_in_code(client, request, persona, meeting):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(f"/work/meetings/{meeting.pk}/poster/")
    assert response.status_code == 403
    assert meeting.check_in_token not in response.content.decode()
