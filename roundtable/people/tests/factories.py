import factory

from roundtable.people import models
from roundtable.people.permissions import forget
from roundtable.places.tests.factories import HomeFactory


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.User
        django_get_or_create = ["phone"]

    phone = factory.Sequence(lambda n: f"139{n:08d}")
    name = factory.Sequence(lambda n: f"居民{n}")
    password = factory.django.Password("correct horse 42")


class ResidencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Residency

    user = factory.SubFactory(UserFactory)
    home = factory.SubFactory(HomeFactory)
    relation = models.Relation.OWNER


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organisation

    name = factory.Sequence(lambda n: f"物业服务中心{n}")
    kind = models.OrganisationKind.PROPERTY_COMPANY


def act_for(user, organisation):
    """`user` holds every role of theirs for `organisation`: a root persona (/conftest.py, roles
    for no organisation) made staff of an organisation, as an app's tests need it."""
    user.role_assignments.update(organisation=organisation)
    forget(user)
    return user
