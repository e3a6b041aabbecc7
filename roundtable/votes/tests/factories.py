from datetime import timedelta

import factory
from django.utils import timezone

from roundtable.places.tests.factories import CommunityFactory
from roundtable.votes import models


class PollFactory(factory.django.DjangoModelFactory):
    """A draft yes/no poll of the residents' homes, open from an hour ago for a week."""

    class Meta:
        model = models.Poll

    community = factory.SubFactory(CommunityFactory)
    question = factory.Sequence(lambda n: f"是否同意方案{n}？")
    method = models.Method.YES_NO
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    electorate_kind = models.ElectorateKind.RESIDENTS_HOMES
    rule = models.Rule.NONE


class OptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Option

    poll = factory.SubFactory(PollFactory)
    order = factory.Sequence(int)
    title = factory.Sequence(lambda n: f"方案{n}")
