"""Admin of the 三防 typhoons part (imported by ``sanfang.admin``)."""

from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from sanfang.models import Storm, StormFix, StormForecast


class StormFixInline(admin.TabularInline):
    model = StormFix
    fields = ("source", "time", "tc_class", "wind_ms", "pressure_hpa", "move_dir", "move_speed_kmh")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ("source", "time")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Storm)
class StormAdmin(LeafletGeoAdmin):
    list_display = (
        "code",
        "name",
        "name_en",
        "year",
        "active",
        "synthetic",
        "landfall_time",
        "landfall_place",
    )
    list_filter = ("year", "active", "synthetic")
    search_fields = ("code", "name", "name_en")
    readonly_fields = ("created_at", "updated_at")
    inlines = [StormFixInline]


@admin.register(StormFix)
class StormFixAdmin(LeafletGeoAdmin):
    list_display = ("storm", "source", "time", "tc_class", "wind_ms", "pressure_hpa")
    list_filter = ("source", "tc_class", "storm__year")
    search_fields = ("storm__code", "storm__name", "storm__name_en")
    list_select_related = ("storm",)
    date_hierarchy = "time"
    autocomplete_fields = ("storm",)


@admin.register(StormForecast)
class StormForecastAdmin(LeafletGeoAdmin):
    list_display = ("storm", "agency", "issued_at", "valid_time", "tc_class", "wind_ms", "synthetic")
    list_filter = ("agency", "synthetic")
    search_fields = ("storm__code", "storm__name")
    list_select_related = ("storm",)
    autocomplete_fields = ("storm",)
