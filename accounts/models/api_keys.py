from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiKeyScope(models.TextChoices):
    INCIDENTS_READ = "incidents:read", _("Read incidents")
    INCIDENTS_WRITE = "incidents:write", _("Report and update incidents")
    RESOURCES_READ = "resources:read", _("Read resources")
    RESOURCES_WRITE = "resources:write", _("Dispatch resources")
    ALERTS_READ = "alerts:read", _("Read alerts")
    PLANS_READ = "plans:read", _("Read plans and ask for a proposed response level")
    RESPONSES_READ = "responses:read", _("Read responses and tasks")
    RESPONSES_WRITE = "responses:write", _("Report on tasks (and command responses, if the role allows)")
    LIBRARY_READ = "library:read", _("Read the knowledge, case and document library")
    DRILLS_READ = "drills:read", _("Read drills")
    DUTY_READ = "duty:read", _("Read the duty roster and shift handovers")
    CONTACTS_READ = "contacts:read", _("Read the contacts directory (phone numbers masked)")
    SANFANG_READ = (
        "sanfang:read",
        _("Read 三防 stations, typhoons, impact lists and recommendations the role may see"),
    )
    SANFANG_WRITE = (
        "sanfang:write",
        _("Send 三防 impact lists as tasks and report defence progress, if the role allows"),
    )


class ApiKey(models.Model):
    """A key another bureau's system uses for the REST API. Only a hash of the secret is stored.

    The key acts as its own service user (``user``), a member of ``organisation`` holding the API
    client role, so organisation scoping applies to it like to anyone else; ``scopes`` narrow further.
    """

    name = models.CharField(_("name"), max_length=100)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="api_keys",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service user"),
        on_delete=models.PROTECT,
        related_name="api_key",
    )
    prefix = models.CharField(_("key prefix"), max_length=16, unique=True)
    hashed = models.CharField(_("key hash"), max_length=64)
    scopes = ArrayField(
        models.CharField(max_length=30, choices=ApiKeyScope.choices), verbose_name=_("scopes"), default=list
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["organisation", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
