from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from sanfang.models import Station
from sanfang.selectors.stations import station_latest_readings


@admin.register(Station)
class StationAdmin(LeafletGeoAdmin):
    list_display = ["code", "name", "kind", "owner", "district", "active"]
    list_filter = ["kind", "active", "district", "owner"]
    search_fields = ["code", "name"]
    list_select_related = ["owner", "district"]
    autocomplete_fields = ["owner"]
    readonly_fields = ["latest_readings", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["code", "name", "kind", "active", "geom"]}),
        (_("Ownership"), {"fields": ["owner", "district", "source", "notes"]}),
        (_("Thresholds"), {"fields": ["threshold_variable", "warning_value", "danger_value"]}),
        (_("Readings"), {"fields": ["latest_readings", "created_at", "updated_at"]}),
    ]

    @admin.display(description=_("latest readings"))
    def latest_readings(self, obj: Station) -> str:
        if obj.pk is None:
            return "–"
        readings = station_latest_readings(station=obj)
        if not readings:
            return _("No readings yet.")
        return format_html_join(
            "",
            "<div>{} · {} · {}</div>",
            ((r.get_variable_display(), r.value, r.time.isoformat(timespec="minutes")) for r in readings),
        )


# Each part of the app keeps its own admin module.
from sanfang import admin_decisions, admin_defence, admin_impact, admin_typhoons  # noqa: E402, F401
