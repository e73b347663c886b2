from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from gis.models import AdminArea, RiskZone


@admin.register(AdminArea)
class AdminAreaAdmin(LeafletGeoAdmin):
    list_display = ["adcode", "name", "level", "parent", "approximate"]
    list_filter = ["level", "approximate"]
    search_fields = ["name", "adcode"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(RiskZone)
class RiskZoneAdmin(LeafletGeoAdmin):
    list_display = ["name", "level", "district", "hazard", "assessed_on", "source"]
    list_filter = ["level", "district"]
    search_fields = ["name", "hazard"]
    list_select_related = ["district"]
    readonly_fields = ["created_at", "updated_at"]
