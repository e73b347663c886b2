"""Emergency resources (应急资源): rescue teams, depots and stock, experts, shelters, medical
facilities, and their dispatch to incidents.

Every resource with a location has a point ``geom`` (WGS 84) with a spatial index on
``geom::geography`` (migration 0003), so radius searches in metres use an index.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField
from emergency.choices import DispatchStatus, StockMovementKind, TeamStatus


class _Located(models.Model):
    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    geom = models.PointField(_("location"), srid=4326)
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = EncryptedTextField(_("contact phone"), blank=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RescueTeam(_Located):
    speciality = models.CharField(_("speciality"), max_length=100, blank=True)
    skills = ArrayField(models.CharField(max_length=50), verbose_name=_("skills"), default=list, blank=True)
    equipment = models.TextField(_("equipment"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=TeamStatus.choices, default=TeamStatus.READY
    )

    class Meta(_Located.Meta):
        verbose_name = _("rescue team")
        verbose_name_plural = _("rescue teams")


class TeamMember(models.Model):
    team = models.ForeignKey(
        RescueTeam, verbose_name=_("team"), on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField(_("name"), max_length=100)
    duty = models.CharField(_("duty"), max_length=100, blank=True)
    skills = ArrayField(models.CharField(max_length=50), verbose_name=_("skills"), default=list, blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["team", "name"]

    def __str__(self) -> str:
        return self.name


class Depot(_Located):
    class Meta(_Located.Meta):
        verbose_name = _("material depot")
        verbose_name_plural = _("material depots")


class StockItem(models.Model):
    """One material in one depot. ``quantity`` changes only through ``emergency.services.resources``
    (a conditional UPDATE), and the database refuses a negative value."""

    depot = models.ForeignKey(Depot, verbose_name=_("depot"), on_delete=models.PROTECT, related_name="items")
    name = models.CharField(_("material"), max_length=100)
    unit = models.CharField(_("unit"), max_length=20)
    quantity = models.PositiveIntegerField(_("quantity"), default=0)
    minimum = models.PositiveIntegerField(_("minimum stock"), default=0)

    class Meta:
        verbose_name = _("stock item")
        verbose_name_plural = _("stock items")
        ordering = ["depot", "name"]
        constraints = [
            models.UniqueConstraint(fields=["depot", "name"], name="stockitem_unique_name_per_depot"),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0), name="stockitem_quantity_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.depot} · {self.name}"

    @property
    def below_minimum(self) -> bool:
        return self.quantity < self.minimum


class Expert(_Located):
    speciality = models.CharField(_("speciality"), max_length=100)
    title = models.CharField(_("professional title"), max_length=100, blank=True)
    available = models.BooleanField(_("available"), default=True)

    class Meta(_Located.Meta):
        verbose_name = _("expert")
        verbose_name_plural = _("experts")


class Shelter(_Located):
    capacity = models.PositiveIntegerField(_("capacity (people)"))
    occupancy = models.PositiveIntegerField(_("current occupancy"), default=0)
    is_open = models.BooleanField(_("open"), default=False)

    class Meta(_Located.Meta):
        verbose_name = _("shelter")
        verbose_name_plural = _("shelters")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(occupancy__lte=models.F("capacity")),
                name="shelter_occupancy_within_capacity",
            ),
        ]


class MedicalFacility(_Located):
    grade = models.CharField(_("grade"), max_length=50, blank=True)
    beds = models.PositiveIntegerField(_("beds"), default=0)

    class Meta(_Located.Meta):
        verbose_name = _("medical facility")
        verbose_name_plural = _("medical facilities")


class StockMovement(models.Model):
    """Every change of a stock item's quantity, signed (negative is out)."""

    item = models.ForeignKey(
        StockItem, verbose_name=_("stock item"), on_delete=models.PROTECT, related_name="movements"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=StockMovementKind.choices)
    delta = models.IntegerField(_("change"))
    quantity_after = models.PositiveIntegerField(_("quantity after"))
    dispatch = models.ForeignKey(
        "emergency.Dispatch",
        verbose_name=_("dispatch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="movements",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-created", "-id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(delta=0), name="stockmovement_delta_not_zero")
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.delta:+d}"


class Dispatch(models.Model):
    """One resource assigned to an incident, tracked until it returns: a team, an expert, or a
    quantity of one stock item."""

    incident = models.ForeignKey(
        "emergency.Incident", verbose_name=_("incident"), on_delete=models.PROTECT, related_name="dispatches"
    )
    team = models.ForeignKey(
        RescueTeam,
        verbose_name=_("rescue team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dispatches",
    )
    expert = models.ForeignKey(
        Expert,
        verbose_name=_("expert"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dispatches",
    )
    stock_item = models.ForeignKey(
        StockItem,
        verbose_name=_("stock item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dispatches",
    )
    quantity = models.PositiveIntegerField(_("quantity"), default=0)
    returned_quantity = models.PositiveIntegerField(_("quantity returned"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=DispatchStatus.choices, default=DispatchStatus.ASSIGNED
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dispatched by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    dispatched_at = models.DateTimeField(_("dispatched at"), auto_now_add=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)

    class Meta:
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        ordering = ["-dispatched_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(team__isnull=False, expert__isnull=True, stock_item__isnull=True, quantity=0)
                    | models.Q(team__isnull=True, expert__isnull=False, stock_item__isnull=True, quantity=0)
                    | models.Q(
                        team__isnull=True, expert__isnull=True, stock_item__isnull=False, quantity__gt=0
                    )
                ),
                name="dispatch_exactly_one_resource",
            ),
            models.CheckConstraint(
                condition=models.Q(returned_quantity__lte=models.F("quantity")),
                name="dispatch_return_within_quantity",
            ),
        ]

    def __str__(self) -> str:
        what = (
            self.team or self.expert or (f"{self.stock_item} ×{self.quantity}" if self.stock_item_id else "?")
        )
        return f"{self.incident} ← {what}"
