from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from emergency import admin_warnings  # noqa: F401  (received CAP warnings)
from emergency.models import Alert


@admin.register(Alert)
class AlertAdmin(LeafletGeoAdmin):
    """Alerts are raised by the platform and acknowledged on the screens; the admin only reads them."""

    list_display = [
        "id",
        "created",
        "kind",
        "level",
        "title",
        "drill",
        "acknowledged_by",
        "acknowledged_at",
        "cleared_at",
    ]
    list_filter = [
        "kind",
        "level",
        "drill",
        ("acknowledged_at", admin.EmptyFieldListFilter),
        ("cleared_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["title", "body", "source_id"]
    date_hierarchy = "created"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        from emergency.selectors.alerts import alerts_visible

        return alerts_visible(user=request.user)
