"""Digital plans (数字预案): a plan, its versions, member units, functional groups, response levels with
trigger rules, and the actions each level assigns (DOMAIN.md §5.3).

A version is immutable once written: a change to a plan is imported as a new version, and putting a
version in force supersedes the previous one. Its member units, groups, levels and actions can only be
written while the version is a draft, which in practice means inside ``plan_import``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField
from emergency.choices import PlanKind, PlanVersionStatus, ResponseLevel, ResponseType


class PlanVersionLocked(Exception):
    """A version that is (or was) in force, or its content, was about to be changed in place."""


class Plan(models.Model):
    """A plan's identity; its content lives in its versions. ``name`` follows the latest import."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=PlanKind.choices)
    response_type = models.CharField(_("response type"), max_length=20, choices=ResponseType.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("issuing organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["code"]
        permissions = [("manage_plan", _("Can import plans and put plan versions in force"))]

    def __str__(self) -> str:
        return self.name


# Fields of a version that may still change after it was written: its place in the version history.
_VERSION_STATUS_FIELDS = frozenset({"status", "in_force_from", "in_force_until"})


class PlanVersion(models.Model):
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=20, choices=PlanVersionStatus.choices, default=PlanVersionStatus.DRAFT
    )
    name = models.CharField(_("name"), max_length=200)
    approved_at = models.DateField(_("approved on"), null=True, blank=True)
    filing_number = models.CharField(_("filing number"), max_length=100, blank=True)
    note = models.TextField(_("change note"), blank=True)
    incident_types = models.ManyToManyField(
        "emergency.IncidentType", verbose_name=_("incident types"), blank=True, related_name="+"
    )
    districts = models.ManyToManyField(
        "geo.AdminArea",
        verbose_name=_("districts"),
        blank=True,
        related_name="+",
        help_text=_("Empty means the whole city."),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    in_force_from = models.DateTimeField(_("in force from"), null=True, blank=True)
    in_force_until = models.DateTimeField(_("in force until"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique_number"),
            models.UniqueConstraint(
                fields=["plan"],
                condition=models.Q(status="in_force"),
                name="plan_one_version_in_force",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if self.pk is not None and (
            update_fields is None or not set(update_fields) <= _VERSION_STATUS_FIELDS
        ):
            raise PlanVersionLocked("a plan version is never edited in place; import a new version")
        super().save(*args, **kwargs)


class _VersionContent(models.Model):
    """Content rows of a version: written while it is a draft, never changed afterwards."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._version_status() != PlanVersionStatus.DRAFT:
            raise PlanVersionLocked("the content of a plan version is fixed once it was put in force")
        super().save(*args, **kwargs)

    def _version_status(self) -> str:
        raise NotImplementedError


class PlanUnit(_VersionContent):
    """A member unit (成员单位) with its duties, responsible person and contact."""

    version = models.ForeignKey(
        PlanVersion, verbose_name=_("plan version"), on_delete=models.CASCADE, related_name="units"
    )
    key = models.SlugField(_("key"), max_length=50)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    duties = models.TextField(_("duties"), blank=True)
    responsible = models.CharField(_("responsible person"), max_length=100, blank=True)
    phone = EncryptedTextField(_("contact phone"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("member unit")
        verbose_name_plural = _("member units")
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="plan_unit_unique_key")]

    def __str__(self) -> str:
        return self.name

    def _version_status(self) -> str:
        return self.version.status


class PlanGroup(_VersionContent):
    """A functional group (综合协调组, 抢险救援组, …): a lead unit and member units."""

    version = models.ForeignKey(
        PlanVersion, verbose_name=_("plan version"), on_delete=models.CASCADE, related_name="groups"
    )
    key = models.SlugField(_("key"), max_length=50)
    name = models.CharField(_("name"), max_length=100)
    lead = models.ForeignKey(
        PlanUnit, verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="groups_led"
    )
    members = models.ManyToManyField(PlanUnit, verbose_name=_("member units"), blank=True, related_name="+")
    duties = models.TextField(_("duties"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("functional group")
        verbose_name_plural = _("functional groups")
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="plan_group_unique_key")]

    def __str__(self) -> str:
        return self.name

    def _version_status(self) -> str:
        return self.version.status


class PlanLevel(_VersionContent):
    """One response level of a version: its name, its trigger rule (data, see ``emergency.triggers``;
    none means only a commander's decision starts it) and its actions."""

    version = models.ForeignKey(
        PlanVersion, verbose_name=_("plan version"), on_delete=models.CASCADE, related_name="levels"
    )
    level = models.CharField(_("level"), max_length=3, choices=ResponseLevel.choices)
    name = models.CharField(_("name"), max_length=200)
    trigger = models.JSONField(_("trigger rule"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("response level")
        verbose_name_plural = _("response levels")
        ordering = ["version", "-level"]
        constraints = [models.UniqueConstraint(fields=["version", "level"], name="plan_level_unique")]

    def __str__(self) -> str:
        return self.name

    def _version_status(self) -> str:
        return self.version.status


class PlanAction(_VersionContent):
    """What one unit or group must do at a level, within ``deadline_minutes`` of the level starting.

    The same ``key`` at several levels is the same action: a task for it carries over when the level
    changes.
    """

    level = models.ForeignKey(
        PlanLevel, verbose_name=_("response level"), on_delete=models.CASCADE, related_name="actions"
    )
    key = models.SlugField(_("key"), max_length=50)
    unit = models.ForeignKey(
        PlanUnit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    group = models.ForeignKey(
        PlanGroup, verbose_name=_("group"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("action"))
    deadline_minutes = models.PositiveIntegerField(_("deadline (minutes after the level starts)"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("plan action")
        verbose_name_plural = _("plan actions")
        ordering = ["level", "order"]
        constraints = [
            models.UniqueConstraint(fields=["level", "key"], name="plan_action_unique_key"),
            models.CheckConstraint(
                condition=models.Q(unit__isnull=False, group__isnull=True)
                | models.Q(unit__isnull=True, group__isnull=False),
                name="plan_action_unit_or_group",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    def _version_status(self) -> str:
        return self.level.version.status
