"""Phone and ID-card numbers written into a suggestion are masked wherever the public reads it;
staff who may see phones read the text as written."""

import pytest
from django.urls import reverse

from roundtable.suggestions import actions

PHONE = "13912345678"
MASKED = "139****5678"
TEXT = f"三栋门口路灯不亮，请打{PHONE}或027-8888 8888，身份证110105199003070024。"


@pytest.fixture
def answered(suggestion, community_worker):
    suggestion.text = TEXT
    suggestion.save()
    actions.answer(suggestion, by=community_worker, text=f"已修好，有问题打{PHONE}。")
    return suggestion


def _shows_masked(html):
    assert PHONE not in html and "8888 8888" not in html and "199003070024" not in html
    assert MASKED in html and "027-****8888" in html and "110***********0024" in html


def test_the_public_list_masks_numbers_in_the_text(client, answered):
    html = client.get(reverse("suggestions:public", args=["lf"])).content.decode()
    assert answered.reference in html
    assert PHONE not in html and MASKED in html


def test_the_public_page_masks_numbers_in_the_text_result_and_steps(client, answered):
    url = reverse("suggestions:public_detail", args=["lf", answered.reference])
    _shows_masked(client.get(url).content.decode())


def test_staff_who_may_see_phones_read_the_text_as_written(client, answered, community_worker):
    client.force_login(community_worker)
    html = client.get(reverse("suggestions:triage_item", args=[answered.reference]))
    assert PHONE in html.content.decode()


def test_the_submitter_reads_their_own_text_as_written(client, answered, resident):
    client.force_login(resident)
    html = client.get(answered.get_absolute_url()).content.decode()
    assert PHONE in html
