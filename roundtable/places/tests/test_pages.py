from roundtable.places.tests.factories import CommunityFactory


def test_single_community_home_redirects_to_it(client, community):
    response = client.get("/")
    assert response.status_code == 302 and response.url == "/c/lf/"


def test_several_communities_are_listed(client, community):
    CommunityFactory(name="另一个社区", code="other")
    html = client.get("/").content.decode()
    assert "澜菲溪岸社区" in html and "另一个社区" in html


def test_healthz_is_plain(client, db):
    response = client.get("/healthz/")
    assert response.content == b"ok"


def test_elder_mode_switch_is_remembered(client, community):
    response = client.post("/elder-mode/", {"next": "/c/lf/"})
    assert response.status_code == 302 and response.url == "/c/lf/"
    assert response.cookies["elder"].value == "1"
    html = client.get("/c/lf/").content.decode()
    assert 'class="elder"' in html and 'aria-pressed="true"' in html
    response = client.post("/elder-mode/", {"next": "https://evil.example/"})
    assert response.url == "/" and response.cookies["elder"].value == "0"
