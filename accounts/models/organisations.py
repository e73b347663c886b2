from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.choices import OrganisationKind
from core.models import TimeStampedModel


class Organisation(TimeStampedModel):
    """A node of the organisation tree: the bureau, member units, districts, towns, enterprises, agencies.

    Data is scoped along this tree: a user sees their own organisation's records and those below it.
    """

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    code = models.CharField(
        _("code"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Unified social credit code or internal code; unique when given."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    admin_area = models.ForeignKey(
        "geo.AdminArea",
        verbose_name=_("administrative area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organisations",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="organisation_unique_name_per_parent"),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="organisation_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name
