from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SanfangConfig(AppConfig):
    name = "sanfang"
    verbose_name = _("Flood, typhoon and drought (三防)")
