from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.choices import AuditAction, AuditInterface


class AuditEntry(models.Model):
    """One audited event. Append-only, and hash-chained with HMAC-SM3 (see accounts.services.audit).

    The actor is kept as id and username rather than a foreign key, so deleting a user never has to
    touch (and so break) the log.
    """

    at = models.DateTimeField(_("time"), db_index=True)
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True)
    actor_username = models.CharField(_("actor"), max_length=150, blank=True)
    interface = models.CharField(_("interface"), max_length=10, choices=AuditInterface.choices)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices, db_index=True)
    success = models.BooleanField(_("succeeded"), default=True)
    app_label = models.CharField(_("app"), max_length=100, blank=True)
    model = models.CharField(_("model"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-id"]
        indexes = [models.Index(fields=["app_label", "model", "object_id"], name="audit_object_idx")]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username or '-'} {self.get_action_display()}"
