from decimal import Decimal

import factory

from roundtable.places import models


class StreetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Street
        django_get_or_create = ["city", "district", "name"]

    name = "四新街道"
    district = "汉阳区"
    city = "武汉市"


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Community

    street = factory.SubFactory(StreetFactory)
    name = factory.Sequence(lambda n: f"测试社区{n}")
    code = factory.Sequence(lambda n: f"c{n}")


class CompoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Compound

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"小区{n}")


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Building

    compound = factory.SubFactory(CompoundFactory)
    name = factory.Sequence(lambda n: f"{n}栋")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Unit

    building = factory.SubFactory(BuildingFactory)
    name = "1单元"


class HomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Home

    unit = factory.SubFactory(UnitFactory)
    room = factory.Sequence(lambda n: f"{100 + n}")
    area_register = Decimal("89.50")


class GridFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Grid

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"第{n}网格")


class StationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Station

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"红色驿站{n}")
