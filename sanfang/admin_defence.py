"""Admin of the 三防 defence part (imported by ``sanfang.admin``).

Progress and loss reports are read-only here, scoped like everywhere else: units report on the
phone page (``/sanfang/defence/report/``) or the API, where the services check them. Targets are kept
here by the command centre; saving goes through ``defence_target_set`` (checked, audited, pushed to the
big screen).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from sanfang.models import DefenceReport, DefenceTarget, DisasterReport
from sanfang.selectors.defence import (
    defence_districts,
    defence_events,
    defence_reports_visible,
    defence_targets_visible,
    disaster_reports_visible,
)
from sanfang.services.defence import defence_target_set


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DefenceTarget)
class DefenceTargetAdmin(admin.ModelAdmin):
    list_display = ["incident", "district", "town", "category", "target"]
    list_filter = ["category", "district"]
    search_fields = ["incident__title", "town"]
    list_select_related = ["incident", "district"]

    def get_queryset(self, request):
        return defence_targets_visible(user=request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "incident":
            kwargs["queryset"] = defence_events(user=request.user, open_only=True)
        elif db_field.name == "district":
            kwargs["queryset"] = defence_districts(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change) -> None:
        try:
            saved = defence_target_set(
                user=request.user,
                incident_id=obj.incident_id,
                district_id=obj.district_id,
                town=obj.town,
                category=obj.category,
                target=obj.target,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return
        obj.pk = saved.pk


@admin.register(DefenceReport)
class DefenceReportAdmin(_ReadOnly):
    list_display = [
        "reported_at",
        "incident",
        "organisation",
        "district",
        "town",
        "category",
        "value",
        "note",
    ]
    list_filter = ["category", "district", "organisation"]
    search_fields = ["incident__title", "town", "note"]
    date_hierarchy = "reported_at"
    list_select_related = ["incident", "organisation", "district"]

    def get_queryset(self, request):
        return defence_reports_visible(user=request.user)


@admin.register(DisasterReport)
class DisasterReportAdmin(_ReadOnly):
    list_display = [
        "reported_at",
        "incident",
        "district",
        "affected_people",
        "deaths",
        "missing",
        "injuries",
        "economic_loss",
        "people_relocated",
        "relief_funds",
    ]
    list_filter = ["district"]
    search_fields = ["incident__title", "note"]
    date_hierarchy = "reported_at"
    list_select_related = ["incident", "district"]

    def get_queryset(self, request):
        return disaster_reports_visible(user=request.user)
