from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GisConfig(AppConfig):
    name = "gis"
    # django.contrib.gis already uses the label "gis".
    label = "geo"
    verbose_name = _("Maps and areas")

    def ready(self) -> None:
        from gis import demo  # noqa: F401  (registers the demo loader)
