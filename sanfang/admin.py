from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from sanfang.models import RainfallThreshold, RainstormSignalRule, Station, StationStatus
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


@admin.register(RainfallThreshold)
class RainfallThresholdAdmin(admin.ModelAdmin):
    """Warning and danger rainfall per window; a row without a station is every rain gauge's default."""

    list_display = ["__str__", "station", "window_hours", "warning_mm", "danger_mm"]
    list_filter = ["window_hours", ("station", admin.EmptyFieldListFilter)]
    search_fields = ["station__code", "station__name"]
    autocomplete_fields = ["station"]
    list_select_related = ["station"]


@admin.register(RainstormSignalRule)
class RainstormSignalRuleAdmin(admin.ModelAdmin):
    """Rainstorm signal criteria (DOMAIN.md §2.2 values seeded; add blue "12 h ≥ 50 mm" for the
    national scheme)."""

    list_display = ["colour", "window_hours", "threshold_mm", "active"]
    list_editable = ["active"]
    list_filter = ["colour", "active"]


@admin.register(StationStatus)
class StationStatusAdmin(admin.ModelAdmin):
    """Computed by sanfang.services.monitoring: read only."""

    list_display = [
        "station",
        "state",
        "rain_signal",
        "rain_1h",
        "rain_3h",
        "rain_24h",
        "value",
        "trend",
        "value_time",
        "computed_at",
    ]
    list_filter = ["state", "rain_signal", "trend", "station__kind"]
    search_fields = ["station__code", "station__name"]
    list_select_related = ["station"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# Each part of the app keeps its own admin module.
from sanfang import admin_decisions, admin_defence, admin_impact, admin_typhoons  # noqa: E402, F401
