from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SanfangConfig(AppConfig):
    name = "sanfang"
    verbose_name = _("Flood, typhoon and drought (三防)")

    def ready(self) -> None:
        from accounts.audit import audit_register

        # The demo loader, map layers, screen panel, and one wiring module per part of the app (so
        # the parts never edit the same file).
        from sanfang import (  # noqa: F401
            bigscreen,
            demo,
            layers,
            ready_decisions,
            ready_defence,
            ready_impact,
            ready_monitoring,
            ready_typhoons,
        )
        from sanfang.models import Station

        # Readings are written in bulk and not audited one by one; the ingest run records them.
        audit_register(Station)
