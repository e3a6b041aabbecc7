"""Who may open the routes this app serves (the community page, the suggestions behind a figure
and their export): one row per persona, the status each gets."""

import pytest
from django.urls import reverse

PERSONAS = [
    "anonymous", "resident", "outsider", "grid_worker", "property_staff", "community_worker",
]  # fmt: skip
# route name → its arguments and, per persona, the status expected.
ROUTES = {
    "dashboards:community": (["lf"], dict.fromkeys(PERSONAS, 200)),
    "dashboards:behind": (["lf", "collected"], dict.fromkeys(PERSONAS, 200)),
    "dashboards:behind_export": (
        ["lf", "collected"],
        {
            "anonymous": 302,  # to the login page
            "resident": 403,
            "outsider": 403,
            "grid_worker": 200,  # the suggestions of the grid alone
            "property_staff": 403,
            "community_worker": 200,
        },
    ),
}
CASES = [(route, persona) for route in ROUTES for persona in PERSONAS]


@pytest.mark.parametrize(("route", "persona"), CASES)
def test_route_answers_each_persona_as_its_table_says(client, request, route, persona, community):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    args, expected = ROUTES[route]
    response = client.get(reverse(route, args=args))
    assert response.status_code == expected[persona]
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("people:login"))
