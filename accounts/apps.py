from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and audit")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from accounts import demo, signals  # noqa: F401  (connect receivers, register the demo loader)

        post_migrate.connect(signals.sync_roles_after_migrate, dispatch_uid="accounts.sync_roles")
        from accounts import audit  # noqa: F401  (audit_setup(): model registry, command and task hooks)
