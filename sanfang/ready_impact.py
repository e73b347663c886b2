"""Wiring of the 三防 impact part, imported by ``SanfangConfig.ready``: the zone kinds ``polygon`` and
``rain``, the audit of the registries, their map layers, and the impact panel on the one map."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.audit import audit_register
from accounts.roles import ROLE_SPECS
from gis.catalogue import Layer, Style, layer_register, map_page_extra_register
from sanfang.choices import HazardKind, OfficerKind, PersonCategory, TargetKind
from sanfang.impact_zones import zone_resolver_register
from sanfang.models import HazardPoint, InfoOfficer, PersonToMove, ProtectedTarget
from sanfang.selectors.impact import EVACUATION_PERMISSION, registry_scope
from sanfang.selectors.impact_zones import zone_polygon, zone_rain

zone_resolver_register("polygon", zone_polygon)
zone_resolver_register("rain", zone_rain)

for _model in (PersonToMove, HazardPoint, ProtectedTarget, InfoOfficer):
    # updated_at changes on every save and repeats the entry's time; phones are encrypted (hidden).
    audit_register(_model, exclude=["updated_at"])

HAZARD_POINTS_LAYER = "hazard_points"
PROTECTED_TARGETS_LAYER = "protected_targets"
INFO_OFFICERS_LAYER = "info_officers"
PEOPLE_LAYER = "people_to_move"

HAZARD_KIND_COLOURS = {
    HazardKind.LANDSLIDE: "#8c510a",
    HazardKind.DEBRIS_FLOW: "#bf812d",
    HazardKind.WATERLOGGING: "#2166ac",
    HazardKind.DANGEROUS_DIKE: "#d6604d",
    HazardKind.DANGEROUS_RESERVOIR: "#b2182b",
}
TARGET_KIND_COLOURS = {
    TargetKind.SCHOOL: "#1b9e77",
    TargetKind.HOSPITAL: "#e7298a",
    TargetKind.CHEMICAL_PLANT: "#d95f02",
    TargetKind.NURSING_HOME: "#7570b3",
    TargetKind.WORK_SITE: "#66a61e",
    TargetKind.OTHER: "#666666",
}
OFFICER_KIND_COLOURS = {OfficerKind.INFO_OFFICER: "#4575b4", OfficerKind.AGENCY: "#313695"}
PERSON_CATEGORY_COLOURS = {
    PersonCategory.DANGEROUS_BUILDING: "#a50026",
    PersonCategory.LOW_LYING: "#4393c3",
    PersonCategory.SHIP: "#053061",
    PersonCategory.WORK_SITE: "#f46d43",
    PersonCategory.HAZARD_ZONE: "#8c510a",
    PersonCategory.OTHER: "#777777",
}


def _scope(key: str):
    def scope(queryset, user):
        return registry_scope(queryset, user=user, key=key)

    return scope


def _labels(choices) -> dict:
    return {c.value: c.label for c in choices}


GROUP = _("Flood, typhoon and drought")

layer_register(
    Layer(
        key=HAZARD_POINTS_LAYER,
        name=_("Hazard points"),
        group=GROUP,
        queryset=lambda: HazardPoint.objects.filter(active=True),
        geometry_type="point",
        style=Style(field="kind", colours=HAZARD_KIND_COLOURS, labels=_labels(HazardKind), radius=5),
        tile_fields=("warning_level",),
        detail_fields=("name", "kind", "town", "people_threatened", "warning_level", "address"),
        scope=_scope("hazards"),
        live=True,
        min_zoom=8,
        order=40,
    )
)
layer_register(
    Layer(
        key=PROTECTED_TARGETS_LAYER,
        name=_("Protected targets"),
        group=GROUP,
        queryset=lambda: ProtectedTarget.objects.filter(active=True),
        geometry_type="point",
        style=Style(field="kind", colours=TARGET_KIND_COLOURS, labels=_labels(TargetKind), radius=5),
        detail_fields=("name", "kind", "town", "occupants", "address"),
        scope=_scope("targets"),
        live=True,
        visible=False,
        min_zoom=8,
        order=41,
    )
)
layer_register(
    Layer(
        key=INFO_OFFICERS_LAYER,
        name=_("Info officers and agencies"),
        group=GROUP,
        queryset=lambda: InfoOfficer.objects.filter(active=True),
        geometry_type="point",
        style=Style(field="kind", colours=OFFICER_KIND_COLOURS, labels=_labels(OfficerKind), radius=4),
        detail_fields=("name", "kind", "town"),
        scope=_scope("officers"),
        live=True,
        visible=False,
        min_zoom=9,
        order=42,
    )
)
# People to move: only for the roles that may see the evacuation lists (the layer is left out of
# the tree for the others, and its tiles and GeoJSON are scoped to nothing for them as well). The
# map shows the category and the head count, never the household's name or phone: the named list
# is the impact list, whose every view is audited.
layer_register(
    Layer(
        key=PEOPLE_LAYER,
        name=_("People to move"),
        group=GROUP,
        queryset=lambda: PersonToMove.objects.filter(active=True),
        geometry_type="point",
        label_field="town",
        style=Style(
            field="category", colours=PERSON_CATEGORY_COLOURS, labels=_labels(PersonCategory), radius=3
        ),
        tile_fields=("people",),
        detail_fields=("category", "people", "town"),
        search_fields=("town",),
        roles=frozenset(spec.code.value for spec in ROLE_SPECS if EVACUATION_PERMISSION in spec.permissions),
        scope=_scope("people"),
        live=True,
        visible=False,
        min_zoom=10,
        order=43,
    )
)


def impact_panel_config(request) -> dict:
    """The one map's impact panel: offered to signed-in users who may see at least one registry."""
    user = request.user
    if not user.is_authenticated or not any(
        user.has_perm(f"sanfang.view_{m}") for m in ("hazardpoint", "protectedtarget", "infoofficer")
    ):
        return {}
    from sanfang.impact_text import impact_panel_text
    from sanfang.impact_zones import zone_kinds

    return {
        "scripts": ["js/sanfang-impact.js"],
        "styles": ["css/sanfang-impact.css"],
        "sanfang_impact": {
            "api": reverse("sanfang-api:impact"),
            "export": reverse("sanfang-api:impact-export"),
            "tasks": reverse("sanfang-api:impact-tasks"),
            "responses": reverse("response-list"),
            "kinds": zone_kinds(),
            "can_send_tasks": user.has_perm("emergency.command_response"),
            "text": impact_panel_text(),
        },
    }


map_page_extra_register(impact_panel_config)
