"""The platform's main sections, in the order of the navigation bar.

A section whose ``url_name`` is None is not built yet; its page says so plainly.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    slug: str
    label: Promise
    description: Promise
    url_name: str | None = None

    @property
    def url(self) -> str:
        if self.url_name:
            return reverse(self.url_name)
        return reverse("core:section", args=[self.slug])

    @property
    def built(self) -> bool:
        return self.url_name is not None


SECTIONS: tuple[Section, ...] = (
    Section(
        "onemap",
        _("One map"),
        _("The city's safety on one map: layers, warnings, incidents and resources."),
        "gis:onemap",
    ),
    Section(
        "bigscreen",
        _("Command big screen"),
        _("The live 1920×1080 screen of the command centre."),
        "emergency:bigscreen",
    ),
    Section(
        "incidents",
        _("Incidents"),
        _("Incident intake, verification, response and closure."),
        "emergency:incident_list",
    ),
    Section("resources", _("Emergency resources"), _("Rescue teams, depots and stock, experts, shelters.")),
    Section("plans", _("Emergency plans"), _("Digital plans, response levels and activation.")),
    Section(
        "sanfang",
        _("Flood, typhoon and drought"),
        _("Typhoons, rain, water levels, impact zones and evacuation."),
    ),
    Section("forestfire", _("Forest fire prevention"), _("Fire bans, fire points and fire danger.")),
    Section("enterprise", _("Enterprise safety"), _("Weekly checklists, hazards and their rectification.")),
    Section(
        "ingest",
        _("Data ingest"),
        _("Feeds from other bureaus, run records and quarantine."),
        "ingest:health",
    ),
    Section(
        "admin",
        _("System administration"),
        _("Users, organisations, roles and the audit log."),
        "admin:index",
    ),
)


def section_by_slug(slug: str) -> Section | None:
    return next((s for s in SECTIONS if s.slug == slug), None)
