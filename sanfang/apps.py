from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SanfangConfig(AppConfig):
    name = "sanfang"
    verbose_name = _("Flood, typhoon and drought (三防)")

    def ready(self) -> None:
        from accounts.audit import audit_register
        from sanfang import bigscreen, demo, layers  # noqa: F401  (demo loader, map layers, screen panel)
        from sanfang.models import Station

        # Readings are written in bulk and not audited one by one; the ingest run records them.
        audit_register(Station)
