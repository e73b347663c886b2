from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from gis.models import AdminArea


@admin.register(AdminArea)
class AdminAreaAdmin(LeafletGeoAdmin):
    list_display = ["adcode", "name", "level", "parent", "approximate"]
    list_filter = ["level", "approximate"]
    search_fields = ["name", "adcode"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["created_at", "updated_at"]
