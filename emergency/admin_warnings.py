"""Admin of received CAP warnings (imported from ``emergency/admin.py``): read only, since warnings
arrive through the ingest feeds and change only by later messages."""

from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from emergency.models.warnings import ReceivedWarning, WarningInfo


class WarningInfoInline(admin.StackedInline):
    model = WarningInfo
    extra = 0
    can_delete = False
    fields = [
        "language",
        "event",
        "categories",
        "urgency",
        "severity",
        "certainty",
        "colour",
        "effective",
        "onset",
        "expires",
        "sender_name",
        "headline",
        "description",
        "instruction",
        "web",
        "parameters",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReceivedWarning)
class ReceivedWarningAdmin(LeafletGeoAdmin):
    list_display = ["sent", "headline", "colour", "state", "status", "msg_type", "sender", "ends_at"]
    list_filter = ["state", "colour", "status", "msg_type", "scope"]
    search_fields = ["identifier", "sender", "headline", "event"]
    date_hierarchy = "sent"
    inlines = [WarningInfoInline]
    list_select_related = ["superseded_by"]
    readonly_fields = [
        "sender",
        "identifier",
        "sent",
        "status",
        "msg_type",
        "scope",
        "source_text",
        "restriction",
        "addresses",
        "codes",
        "note",
        "references",
        "incidents",
        "event",
        "headline",
        "severity",
        "colour",
        "effective",
        "expires",
        "ends_at",
        "state",
        "superseded_by",
        "superseded_at",
        "alert",
        "feed",
        "received_at",
        "updated_at",
        "xml",
    ]
    exclude = ["area"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
