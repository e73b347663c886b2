"""The registries the impact analysis searches: people to move, hazard points, protected targets and
info officers. Shelters, rescue teams and depots are the command core's resources (``emergency``).

Every row has a point, a district and a town (镇街), because the lists are grouped by both. Phone
numbers are personal data: SM4-encrypted at rest, masked unless the role needs them.
"""

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField
from core.models import TimeStampedModel
from sanfang.choices import GeohazardLevel, HazardKind, OfficerKind, PersonCategory, TargetKind


class RegistryEntry(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    geom = models.PointField(_("location"), srid=4326, spatial_index=True)
    district = models.ForeignKey(
        "geo.AdminArea",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    town = models.CharField(_("town or subdistrict"), max_length=60, blank=True, db_index=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = EncryptedTextField(_("contact phone"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class PersonToMove(RegistryEntry):
    """A household or person registered for evacuation (待转移人员); ``name`` is the household head."""

    category = models.CharField(_("category"), max_length=20, choices=PersonCategory.choices, db_index=True)
    people = models.PositiveIntegerField(_("people"), default=1)

    class Meta:
        verbose_name = _("person to move")
        verbose_name_plural = _("people to move")
        ordering = ["district_id", "town", "name"]
        permissions = [("view_evacuation_list", _("May see the named evacuation lists"))]
        indexes = [models.Index(fields=["district", "town"], name="sanfang_person_district_town")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(people__gte=1),
                name="sanfang_person_people_positive",
                violation_error_message=_("A household has at least one person."),
            )
        ]


class HazardPoint(RegistryEntry):
    """A hazard point: landslide, debris flow, waterlogging black spot (内涝黑点), dangerous dike.

    ``susceptibility`` (0–1) feeds the rainstorm-landslide risk coefficient; the model writes
    ``risk_coefficient``, ``warning_level`` and ``risk_computed_at``.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=HazardKind.choices, db_index=True)
    susceptibility = models.FloatField(_("susceptibility (0–1)"), default=0.5)
    people_threatened = models.PositiveIntegerField(_("people threatened"), default=0)
    risk_coefficient = models.FloatField(_("risk coefficient"), null=True, blank=True)
    warning_level = models.CharField(
        _("warning level"), max_length=10, choices=GeohazardLevel.choices, blank=True, db_index=True
    )
    risk_computed_at = models.DateTimeField(_("risk computed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("hazard point")
        verbose_name_plural = _("hazard points")
        ordering = ["district_id", "town", "name"]
        indexes = [models.Index(fields=["district", "town"], name="sanfang_hazard_district_town")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(susceptibility__gte=0) & models.Q(susceptibility__lte=1),
                name="sanfang_hazard_susceptibility_range",
                violation_error_message=_("Susceptibility runs from 0 to 1."),
            )
        ]


class ProtectedTarget(RegistryEntry):
    """A target to protect (重点防护目标): school, hospital, chemical plant, nursing home."""

    kind = models.CharField(_("kind"), max_length=20, choices=TargetKind.choices, db_index=True)
    occupants = models.PositiveIntegerField(_("occupants"), default=0)

    class Meta:
        verbose_name = _("protected target")
        verbose_name_plural = _("protected targets")
        ordering = ["district_id", "town", "name"]
        indexes = [models.Index(fields=["district", "town"], name="sanfang_target_district_town")]


class InfoOfficer(RegistryEntry):
    """A disaster information officer (灾情信息员) or an agency on the ground."""

    kind = models.CharField(
        _("kind"), max_length=20, choices=OfficerKind.choices, default=OfficerKind.INFO_OFFICER
    )

    class Meta:
        verbose_name = _("info officer or agency")
        verbose_name_plural = _("info officers and agencies")
        ordering = ["district_id", "town", "name"]
        indexes = [models.Index(fields=["district", "town"], name="sanfang_officer_district_town")]
