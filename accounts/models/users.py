from django.contrib.auth.models import AbstractUser, Permission
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.choices import ExclusiveGroup, RoleCode


def role_conflict_message(role: "Role", held: "Role") -> str:
    return gettext(
        "%(held)s and %(role)s are separate administrator powers; one person cannot hold both."
    ) % {"held": held.label, "role": role.label}


class Role(models.Model):
    """A platform role. The set is fixed by a migration; permissions are kept in sync on migrate."""

    code = models.CharField(_("code"), max_length=40, unique=True, choices=RoleCode.choices)
    city_wide = models.BooleanField(
        _("sees the whole city"),
        default=False,
        help_text=_("Holders see every organisation's records, not only their own subtree."),
    )
    exclusive_group = models.CharField(
        _("exclusive group"), max_length=20, blank=True, default="", choices=ExclusiveGroup.choices
    )
    staff = models.BooleanField(_("may use the admin"), default=False)
    permissions = models.ManyToManyField(Permission, verbose_name=_("permissions"), blank=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self) -> str:
        return RoleCode(self.code).label


class User(AbstractUser):
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    roles = models.ManyToManyField(
        Role,
        verbose_name=_("roles"),
        through="accounts.RoleAssignment",
        through_fields=("user", "role"),
        related_name="users",
        blank=True,
    )
    failed_login_count = models.PositiveIntegerField(_("consecutive failed logins"), default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username

    def get_full_name(self) -> str:
        # Chinese order: surname first, no space.
        return f"{self.last_name}{self.first_name}".strip()


class RoleAssignment(models.Model):
    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="assignments"
    )
    role = models.ForeignKey(
        Role, verbose_name=_("role"), on_delete=models.PROTECT, related_name="assignments"
    )
    # Copied from the role so the database itself can refuse a second role of the same exclusive group.
    exclusive_group = models.CharField(max_length=20, blank=True, default="", editable=False)
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    granted_by = models.ForeignKey(
        User,
        verbose_name=_("granted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="role_assignment_unique"),
            models.UniqueConstraint(
                fields=["user", "exclusive_group"],
                condition=~models.Q(exclusive_group=""),
                name="role_assignment_one_per_exclusive_group",
                violation_error_message=_("A user may hold only one of the administrator roles."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.role}"

    def save(self, *args, **kwargs):
        # Denormalised so the unique constraint can enforce the exclusion in the database.
        self.exclusive_group = self.role.exclusive_group
        super().save(*args, **kwargs)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.role_id and self.role.exclusive_group and self.user_id:
            clash = (
                RoleAssignment.objects.filter(user_id=self.user_id, exclusive_group=self.role.exclusive_group)
                .exclude(pk=self.pk)
                .exclude(role_id=self.role_id)
                .select_related("role")
                .first()
            )
            if clash is not None:
                raise ValidationError(role_conflict_message(self.role, clash.role))
