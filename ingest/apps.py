from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IngestConfig(AppConfig):
    name = "ingest"
    verbose_name = _("Data ingest")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from accounts.audit import audit_register
        from ingest import demo, panels  # noqa: F401  (register the demo loader and the big-screen panel)
        from ingest.adapters import autodiscover
        from ingest.models import Source
        from ingest.signals import periodic_tasks_after_migrate

        autodiscover()
        # Source edits are audited (credentials hidden); runs leave one summary entry each
        # (ingest.services.runs), never one per record.
        audit_register(
            Source,
            exclude=[
                "last_dispatched_at",
                "last_run_at",
                "last_success_at",
                "last_error",
                "consecutive_failures",
                "health",
                "health_since",
            ],
            secret=["push_token_hash"],
        )
        post_migrate.connect(periodic_tasks_after_migrate, sender=self, dispatch_uid="ingest.periodic_tasks")
