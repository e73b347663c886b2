from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterpriseSafetyConfig(AppConfig):
    name = "enterprise_safety"
    verbose_name = _("Enterprise work safety")
