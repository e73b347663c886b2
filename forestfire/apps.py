from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForestfireConfig(AppConfig):
    name = "forestfire"
    verbose_name = _("Forest fire prevention")
