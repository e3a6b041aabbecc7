from roundtable.people.models import OrganisationKind
from roundtable.people.tests.factories import OrganisationFactory
from roundtable.suggestions import taxonomy
from roundtable.suggestions.categories import seed_categories
from roundtable.suggestions.models import Category


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
