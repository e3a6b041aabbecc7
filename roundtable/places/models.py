"""Places: street → community → compound → building → unit → home; grids and stations."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Street(models.Model):
    """A street office (街道), the unit one deployment usually serves."""

    name = models.CharField(_("name"), max_length=100)
    district = models.CharField(_("district"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("street")
        verbose_name_plural = _("streets")
        constraints = [
            models.UniqueConstraint(fields=["city", "district", "name"], name="unique_street")
        ]

    def __str__(self):
        return self.name


class Community(models.Model):
    street = models.ForeignKey(
        Street, models.PROTECT, related_name="communities", verbose_name=_("street")
    )
    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(
        _("code"),
        max_length=20,
        unique=True,
        help_text=_("Short Latin code used in URLs and references, e.g. LF."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    count_parking_spaces = models.BooleanField(
        _("count parking spaces in owner votes"),
        default=False,
        help_text=_("Whether parking spaces count as exclusive area in owners' joint decisions."),
    )

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("dashboards:community", args=[self.code])


class Compound(models.Model):
    community = models.ForeignKey(
        Community, models.CASCADE, related_name="compounds", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("compound")
        verbose_name_plural = _("compounds")
        ordering = ["community", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="unique_compound")
        ]

    def __str__(self):
        return self.name


class Building(models.Model):
    compound = models.ForeignKey(
        Compound, models.CASCADE, related_name="buildings", verbose_name=_("compound")
    )
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["compound", "name"]
        constraints = [models.UniqueConstraint(fields=["compound", "name"], name="unique_building")]

    def __str__(self):
        return f"{self.compound.name} {self.name}"


class Unit(models.Model):
    building = models.ForeignKey(
        Building, models.CASCADE, related_name="units", verbose_name=_("building")
    )
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["building", "name"]
        constraints = [models.UniqueConstraint(fields=["building", "name"], name="unique_unit")]

    def __str__(self):
        return f"{self.building} {self.name}"


class AreaSource(models.TextChoices):
    """Where an exclusive area figure comes from, in the order Art. 278 counting prefers."""

    REGISTER = "register", _("property register")
    SURVEYED = "surveyed", _("surveyed")
    CONTRACT = "contract", _("sales contract")


class HomeQuerySet(models.QuerySet):
    def in_community(self, community):
        return self.filter(unit__building__compound__community=community)

    def delivered(self):
        return self.filter(delivered=True)


class Home(models.Model):
    """One exclusive unit (房屋/户): a flat, a shop or a parking space."""

    unit = models.ForeignKey(Unit, models.CASCADE, related_name="homes", verbose_name=_("unit"))
    room = models.CharField(_("room number"), max_length=20)
    area_register = models.DecimalField(
        _("area in the property register (m²)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
    )
    area_surveyed = models.DecimalField(
        _("surveyed area (m²)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    area_contract = models.DecimalField(
        _("contract area (m²)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    delivered = models.BooleanField(
        _("delivered"),
        default=True,
        help_text=_("Unticked while the developer still holds it unsold or undelivered."),
    )
    is_parking_space = models.BooleanField(_("parking space"), default=False)

    objects = HomeQuerySet.as_manager()

    class Meta:
        verbose_name = _("home")
        verbose_name_plural = _("homes")
        ordering = ["unit", "room"]
        constraints = [models.UniqueConstraint(fields=["unit", "room"], name="unique_home")]

    def __str__(self):
        return f"{self.unit} {self.room}"

    @property
    def area(self):
        """Exclusive area as Art. 278 counts it: register, else surveyed, else contract."""
        return next((a for a, _s in self._areas() if a is not None), None)

    @property
    def area_source(self):
        return next((s for a, s in self._areas() if a is not None), None)

    def get_area_source_display(self):
        source = self.area_source
        return AreaSource(source).label if source else ""

    def _areas(self):
        return [
            (self.area_register, AreaSource.REGISTER),
            (self.area_surveyed, AreaSource.SURVEYED),
            (self.area_contract, AreaSource.CONTRACT),
        ]

    @property
    def building(self):
        return self.unit.building

    @property
    def compound(self):
        return self.unit.building.compound


class Grid(models.Model):
    """A grid (网格): a set of buildings looked after by its grid workers."""

    community = models.ForeignKey(
        Community, models.CASCADE, related_name="grids", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=50)
    buildings = models.ManyToManyField(
        Building, related_name="grids", blank=True, verbose_name=_("buildings")
    )

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["community", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="unique_grid")]

    def __str__(self):
        return self.name


class StationKind(models.TextChoices):
    RED_STATION = "red_station", _("red station")
    SERVICE_CENTRE = "service_centre", _("service centre")
    HALL = "hall", _("meeting hall")
    OTHER = "other", _("other")


class Station(models.Model):
    """A collection point (驿站/议站) where residents hand in suggestions."""

    community = models.ForeignKey(
        Community, models.CASCADE, related_name="stations", verbose_name=_("community")
    )
    compound = models.ForeignKey(
        Compound,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="stations",
        verbose_name=_("compound"),
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=20, choices=StationKind.choices, default=StationKind.RED_STATION
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("station")
        verbose_name_plural = _("stations")
        ordering = ["community", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="unique_station")]

    def __str__(self):
        return self.name


def community_of(place):
    """The community a place lies in (None for a street, which spans several)."""
    if isinstance(place, Community):
        return place
    if isinstance(place, Compound | Grid | Station):
        return place.community
    if isinstance(place, Building):
        return place.compound.community
    if isinstance(place, Unit):
        return place.building.compound.community
    if isinstance(place, Home):
        return place.unit.building.compound.community
    return None
