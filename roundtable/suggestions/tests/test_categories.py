from roundtable.people.models import OrganisationKind
from roundtable.people.tests.factories import OrganisationFactory
from roundtable.places.tests.factories import CommunityFactory
from roundtable.suggestions import intake, taxonomy
from roundtable.suggestions.categories import seed_categories
from roundtable.suggestions.models import Category, Channel


def test_seeding_copies_the_taxonomy_with_owners_by_kind(community):
    company = OrganisationFactory(community=community, kind=OrganisationKind.PROPERTY_COMPANY)
    assert seed_categories(community) == len(taxonomy.CATEGORIES)
    flooring = Category.objects.get(community=community, code="05.06")
    assert flooring.parent.code == "05" and flooring.default_owner == company
    assert Category.objects.filter(community=community, needs_joint_decision=True).exists()


def test_seeding_twice_keeps_edits(community):
    seed_categories(community)
    Category.objects.filter(community=community, code="01").update(name="安全")
    assert seed_categories(community) == 0
    assert Category.objects.get(community=community, code="01").name == "安全"


def _suggested(community, resident, text):
    return intake.submit_suggestion(
        community=community, text=text, channel=Channel.ONLINE, by=resident, submitter=resident
    ).suggested_category


HALLWAY = "3栋楼道里堆满了纸箱和旧家具，过不去人"  # 01.01 in the taxonomy


def test_a_submission_is_given_the_finest_category_its_text_names(community, resident):
    seed_categories(community)
    assert _suggested(community, resident, HALLWAY).code == "01.01"


def test_a_community_with_only_the_top_level_gets_the_top_level_category(community, resident):
    seed_categories(community)
    Category.objects.filter(community=community, code="01.01").delete()
    assert _suggested(community, resident, HALLWAY).code == "01"


def test_no_category_is_suggested_from_another_community_or_from_no_keyword(community, resident):
    seed_categories(CommunityFactory())
    assert _suggested(community, resident, HALLWAY) is None
    seed_categories(community)
    assert _suggested(community, resident, "hello") is None
