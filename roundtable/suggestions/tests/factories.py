import factory

from roundtable.people.models import OrganisationKind
from roundtable.places.tests.factories import CommunityFactory
from roundtable.suggestions import models


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Category

    community = factory.SubFactory(CommunityFactory)
    code = factory.Sequence(lambda n: f"{n % 10 + 1:02d}.{n:02d}")
    name = factory.Sequence(lambda n: f"类别{n}")
    owner_kind = OrganisationKind.PROPERTY_COMPANY


class SuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Suggestion

    community = factory.SubFactory(CommunityFactory)
    reference = factory.Sequence(lambda n: f"T-2026-{n:06d}")
    channel = models.Channel.ONLINE
    text = "楼道里堆了很多纸箱，影响通行。"
