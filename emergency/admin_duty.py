"""Admin for duty (应急值守): the roster and the handover log, read-only and scoped by organisation.
Shifts are added and handed over on the duty page (``/duty/``), through the services and their checks."""

from __future__ import annotations

from django.contrib import admin

from emergency.models import DutyShift, HandoverLog
from emergency.selectors.duty import duty_shifts_visible, handovers_visible


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DutyShift)
class DutyShiftAdmin(_ReadOnly):
    list_display = ["starts_at", "ends_at", "organisation", "post", "person", "note"]
    list_filter = ["post", "organisation"]
    search_fields = ["person__username", "person__last_name", "person__first_name", "note"]
    date_hierarchy = "starts_at"

    def get_queryset(self, request):
        return duty_shifts_visible(user=request.user)


@admin.register(HandoverLog)
class HandoverLogAdmin(_ReadOnly):
    list_display = ["at", "organisation", "handed_by", "received_by", "summary"]
    list_filter = ["organisation"]
    search_fields = ["summary", "open_items"]
    date_hierarchy = "at"

    def get_queryset(self, request):
        return handovers_visible(user=request.user)
