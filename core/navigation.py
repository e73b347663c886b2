"""The platform's main sections, in the order of the navigation bar.

A section whose ``url_name`` is None is not built yet; its page says so plainly. A section may instead
list ``links`` to its pages: it then opens on its hub page (``core:section``), which lists them. A link
names a URL (``"sanfang:defence"``) with a plain path as fallback, so a page another part has not
built yet never breaks the navigation; a link with neither is left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavLink:
    label: Promise
    url_name: str = ""
    path: str = ""

    @property
    def url(self) -> str | None:
        if self.url_name:
            try:
                return reverse(self.url_name)
            except NoReverseMatch:
                pass
        return self.path or None


@dataclass(frozen=True)
class Section:
    slug: str
    label: Promise
    description: Promise
    url_name: str | None = None
    links: tuple[NavLink, ...] = ()

    @property
    def url(self) -> str:
        if self.url_name:
            return reverse(self.url_name)
        return reverse("core:section", args=[self.slug])

    @property
    def nav_links(self) -> list[dict]:
        """The section's pages that exist now: ``[{"label", "url"}]``."""
        return [{"label": link.label, "url": link.url} for link in self.links if link.url]

    @property
    def built(self) -> bool:
        return self.url_name is not None or bool(self.nav_links)


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
    Section(
        "resources",
        _("Emergency resources"),
        _("Rescue teams, depots and stock, experts, shelters."),
        "emergency:resources",
    ),
    Section(
        "plans",
        _("Emergency plans"),
        _("Digital plans, response levels and activation."),
        None,
        (
            NavLink(_("Digital plans"), "emergency:plan_list"),
            NavLink(_("My tasks"), "emergency:my_tasks"),
            NavLink(_("Duty roster"), "emergency:duty"),
            NavLink(_("Contacts directory"), "emergency:contacts"),
            NavLink(_("Knowledge, cases and documents"), "emergency:library"),
            NavLink(_("Drills"), "emergency:drill_list"),
            NavLink(_("Loss statistics"), "emergency:loss_statistics"),
        ),
    ),
    Section(
        "sanfang",
        _("Flood, typhoon and drought"),
        _("Typhoons, rain, water levels, impact zones and evacuation."),
        None,
        (
            NavLink(_("Typhoons and stations on the map"), "gis:onemap", "/map/"),
            NavLink(_("Impact analysis"), "sanfang:impact", "/sanfang/impact/"),
            NavLink(_("Response-level decisions"), "sanfang:decisions", "/sanfang/decisions/"),
            NavLink(_("Defence preparation"), "sanfang:defence", "/sanfang/defence/"),
            NavLink(_("Losses and relief"), "sanfang:defence_losses", "/sanfang/defence/losses/"),
        ),
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
