"""People: users who log in by mobile number, their homes, organisations, roles and groups."""

import operator
from functools import reduce

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roundtable.common.masking import mask_name, mask_phone
from roundtable.places.models import Building, Community, Compound, Grid, Home, Street

from .phones import normalize_phone, validate_mobile


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, phone, password=None, **extra):
        phone = normalize_phone(phone)
        validate_mobile(phone)
        user = self.model(phone=phone, **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, phone, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(phone, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person known by a mainland mobile number; residents usually log in with a code."""

    phone = models.CharField(
        _("mobile number"), max_length=11, unique=True, validators=[validate_mobile]
    )
    name = models.CharField(_("name"), max_length=50, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"),
        null=True,
        blank=True,
        help_text=_("Optional. Used only to count meeting participants by age band."),
    )
    is_staff = models.BooleanField(
        _("admin site access"),
        default=False,
        help_text=_("May log in to the admin site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return f"{self.name or _('(no name)')} {self.masked_phone}"

    def clean(self):
        super().clean()
        self.phone = normalize_phone(self.phone)

    @property
    def masked_phone(self):
        return mask_phone(self.phone)

    @property
    def masked_name(self):
        return mask_name(self.name)


class Relation(models.TextChoices):
    """How a resident is linked to a home; the owner is the home's named voter."""

    OWNER = "owner", _("owner")
    CO_OWNER = "co_owner", _("co-owner")
    TENANT = "tenant", _("tenant")
    FAMILY = "family", _("family member")


class Residency(models.Model):
    user = models.ForeignKey(
        User, models.CASCADE, related_name="residencies", verbose_name=_("resident")
    )
    home = models.ForeignKey(
        Home, models.CASCADE, related_name="residencies", verbose_name=_("home")
    )
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("residency")
        verbose_name_plural = _("residencies")
        constraints = [
            models.UniqueConstraint(fields=["user", "home"], name="one_residency_per_home"),
            # A co-owned home has exactly one named voter: its owner row.
            models.UniqueConstraint(
                fields=["home"], condition=Q(relation="owner"), name="one_owner_per_home"
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.home} ({self.get_relation_display()})"


class OrganisationKind(models.TextChoices):
    RESIDENTS_COMMITTEE = "residents_committee", _("residents' committee")
    PROPERTY_COMPANY = "property_company", _("property company")
    OWNERS_COMMITTEE = "owners_committee", _("owners' committee")
    STREET_DEPARTMENT = "street_department", _("street-office department")
    UTILITY = "utility", _("utility")
    MERCHANT = "merchant", _("merchant")
    SOCIAL_ORGANISATION = "social_organisation", _("social organisation")


class Organisation(models.Model):
    community = models.ForeignKey(
        Community,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("community"),
        help_text=_("Empty for organisations serving the whole street or city."),
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    phone = models.CharField(_("public phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="unique_organisation")
        ]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    COMMUNITY_WORKER = "community_worker", _("community worker")
    GRID_WORKER = "grid_worker", _("grid worker")
    PROPERTY_STAFF = "property_staff", _("property staff")
    PARTY_SECRETARY = "party_secretary", _("party branch secretary")
    BUILDING_LEADER = "building_leader", _("building leader")
    RESIDENT_REPRESENTATIVE = "resident_representative", _("resident representative")
    OWNERS_COMMITTEE_MEMBER = "owners_committee_member", _("owners' committee member")
    VOLUNTEER = "volunteer", _("volunteer")
    STREET_OFFICIAL = "street_official", _("street-office official")


def exactly_one_of(*fields):
    """A condition that holds when exactly one of `fields` is set."""
    options = [Q(**{f"{f}__isnull": f != chosen for f in fields}) for chosen in fields]
    return reduce(operator.or_, options)


class RoleAssignmentQuerySet(models.QuerySet):
    def with_scope(self):
        return self.select_related(
            "street", "community", "compound", "building", "grid", "organisation"
        )


class RoleAssignment(models.Model):
    """A role held in one place: exactly one of street, community, compound, building, grid."""

    SCOPE_FIELDS = ("street", "community", "compound", "building", "grid")

    user = models.ForeignKey(
        User, models.CASCADE, related_name="role_assignments", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("organisation"),
    )
    street = models.ForeignKey(
        Street, models.CASCADE, null=True, blank=True, verbose_name=_("street")
    )
    community = models.ForeignKey(
        Community, models.CASCADE, null=True, blank=True, verbose_name=_("community")
    )
    compound = models.ForeignKey(
        Compound, models.CASCADE, null=True, blank=True, verbose_name=_("compound")
    )
    building = models.ForeignKey(
        Building, models.CASCADE, null=True, blank=True, verbose_name=_("building")
    )
    grid = models.ForeignKey(Grid, models.CASCADE, null=True, blank=True, verbose_name=_("grid"))
    created_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(
                condition=exactly_one_of("street", "community", "compound", "building", "grid"),
                name="role_has_one_scope",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.scope}"

    @property
    def scope(self):
        return next(getattr(self, f) for f in self.SCOPE_FIELDS if getattr(self, f"{f}_id"))

    @property
    def scope_key(self):
        field = next(f for f in self.SCOPE_FIELDS if getattr(self, f"{f}_id"))
        return (field, getattr(self, f"{field}_id"))


DEFAULT_GROUPS = ["银龄", "妇女儿童", "青年", "新就业群体", "残障人士", "退役军人", "党员", "商户"]


class ConstituencyGroup(models.Model):
    """A constituency group (议事组别) of a community, e.g. 银龄 or 新就业群体."""

    community = models.ForeignKey(
        Community, models.CASCADE, related_name="groups", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=50)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    members = models.ManyToManyField(
        User, related_name="constituency_groups", blank=True, verbose_name=_("members")
    )

    class Meta:
        verbose_name = _("constituency group")
        verbose_name_plural = _("constituency groups")
        ordering = ["community", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="unique_group")]

    def __str__(self):
        return self.name


class PrivacyConsent(models.Model):
    """A person's consent to one version of the privacy notice, kept even after withdrawal."""

    user = models.ForeignKey(
        User, models.CASCADE, related_name="privacy_consents", verbose_name=_("person")
    )
    version = models.CharField(_("notice version"), max_length=20)
    accepted_at = models.DateTimeField(_("accepted at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("privacy consent")
        verbose_name_plural = _("privacy consents")
        ordering = ["-accepted_at"]

    def __str__(self):
        return f"{self.user} {self.version}"


class LoginCode(models.Model):
    """A one-time login code sent by SMS; only its hash is stored."""

    phone = models.CharField(_("mobile number"), max_length=11, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("login code")
        verbose_name_plural = _("login codes")
        ordering = ["-created_at"]

    def __str__(self):
        return mask_phone(self.phone)
