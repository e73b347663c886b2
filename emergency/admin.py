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


# --- The command core: the same scoping and services as the API -----------------------------------

from django.contrib import messages  # noqa: E402
from django.core.exceptions import PermissionDenied, ValidationError  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402
from django.utils.translation import gettext_lazy  # noqa: E402

from accounts.selectors.organisations import organisations_visible  # noqa: E402
from emergency.choices import IncidentSource, IncidentStatus  # noqa: E402
from emergency.models import (  # noqa: E402
    Depot,
    Dispatch,
    Expert,
    Incident,
    IncidentType,
    IncidentUpdate,
    MedicalFacility,
    RescueTeam,
    Shelter,
    StockItem,
    StockMovement,
    TeamMember,
)


@admin.register(IncidentType)
class IncidentTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "category", "parent", "order"]
    list_filter = ["category"]
    search_fields = ["code", "name", "name_en"]


class IncidentUpdateInline(admin.TabularInline):
    model = IncidentUpdate
    extra = 0
    fields = ["created", "kind", "old_value", "new_value", "body", "author"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


def _transition_action(status: str, label):
    def run(modeladmin, request, queryset):
        from emergency.services.incidents import incident_transition

        done = 0
        for incident in queryset:
            try:
                incident_transition(user=request.user, incident_id=incident.pk, status=status)
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                modeladmin.message_user(
                    request,
                    f"{incident}: {'; '.join(exc.messages) if hasattr(exc, 'messages') else exc}",
                    messages.ERROR,
                )
        if done:
            modeladmin.message_user(request, _("%(n)d incidents changed.") % {"n": done}, messages.SUCCESS)

    run.__name__ = f"mark_{status}"
    run.short_description = label
    run.allowed_permissions = ("handle",)
    return run


@admin.register(Incident)
class IncidentAdmin(LeafletGeoAdmin):
    """New incidents go through ``incident_report`` (district, alert, audit); status and level change
    only by the workflow actions, which call the same services as the API."""

    list_display = ["id", "title", "type", "level", "status", "district", "occurred_at", "drill"]
    list_filter = ["status", "level", "type__category", "district", "drill", "source"]
    search_fields = ["title", "description", "address"]
    date_hierarchy = "occurred_at"
    inlines = [IncidentUpdateInline]
    actions = [
        _transition_action(IncidentStatus.VERIFIED, gettext_lazy("Verify the selected incidents")),
        _transition_action(
            IncidentStatus.RESPONDING, gettext_lazy("Start responding to the selected incidents")
        ),
        _transition_action(IncidentStatus.CLOSED, gettext_lazy("Close the selected incidents")),
    ]
    readonly_fields_on_change = [
        "status",
        "level",
        "district",
        "organisation",
        "reporter",
        "reporter_organisation",
        "source",
        "verified_at",
        "closed_at",
    ]

    def get_queryset(self, request):
        from emergency.selectors.incidents import incidents_visible

        return incidents_visible(user=request.user)

    def has_handle_permission(self, request):
        return request.user.has_perm("emergency.handle_incident")

    def get_fields(self, request, obj=None):
        if obj is None:
            return [
                "title",
                "type",
                "level",
                "geom",
                "area",
                "address",
                "district",
                "description",
                "source",
                "occurred_at",
                "reporter_name",
                "reporter_phone",
                "deaths",
                "injuries",
                "missing",
                "evacuated",
                "economic_loss",
                "drill",
            ]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields_on_change if obj is not None else []

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None and "type" in form.base_fields:
            form.base_fields["type"].queryset = IncidentType.objects.filter(parent__isnull=False)
            form.base_fields["source"].initial = IncidentSource.ADMIN
        return form

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        from emergency.services.incidents import incident_report

        data = {k: v for k, v in form.cleaned_data.items() if k in self.get_fields(request)}
        data["geom"] = data.pop("geom")
        created = incident_report(user=request.user, **data)
        obj.pk = created.pk
        obj.refresh_from_db()


class _ScopedResourceAdmin(LeafletGeoAdmin):
    """Resources of the user's organisation subtree only, in the list and in the organisation choices."""

    list_display = ["name", "organisation", "address"]
    search_fields = ["name", "address"]

    def get_queryset(self, request):
        from accounts.selectors.organisations import scope_for_user

        return scope_for_user(super().get_queryset(request), user=request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            kwargs["queryset"] = organisations_visible(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0


@admin.register(RescueTeam)
class RescueTeamAdmin(_ScopedResourceAdmin):
    list_display = ["name", "organisation", "speciality", "status"]
    list_filter = ["status"]
    inlines = [TeamMemberInline]


class StockItemInline(admin.TabularInline):
    """Quantities change only through stock movements and dispatches (never negative)."""

    model = StockItem
    extra = 0
    fields = ["name", "unit", "quantity", "minimum"]
    readonly_fields = ["quantity"]


@admin.register(Depot)
class DepotAdmin(_ScopedResourceAdmin):
    inlines = [StockItemInline]


@admin.register(Expert)
class ExpertAdmin(_ScopedResourceAdmin):
    list_display = ["name", "organisation", "speciality", "available"]
    list_filter = ["available"]


@admin.register(Shelter)
class ShelterAdmin(_ScopedResourceAdmin):
    list_display = ["name", "organisation", "capacity", "occupancy", "is_open"]
    list_filter = ["is_open"]


@admin.register(MedicalFacility)
class MedicalFacilityAdmin(_ScopedResourceAdmin):
    list_display = ["name", "organisation", "grade", "beds"]


@admin.register(StockMovement)
class StockMovementAdmin(admin.ModelAdmin):
    list_display = ["created", "item", "kind", "delta", "quantity_after", "dispatch", "user"]
    list_filter = ["kind"]

    def get_queryset(self, request):
        from accounts.selectors.organisations import scope_for_user

        return scope_for_user(
            super().get_queryset(request), user=request.user, field="item__depot__organisation"
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Dispatch)
class DispatchAdmin(admin.ModelAdmin):
    list_display = ["dispatched_at", "incident", "team", "expert", "stock_item", "quantity", "status"]
    list_filter = ["status"]

    def get_queryset(self, request):
        from emergency.selectors.incidents import incidents_visible

        return (
            super()
            .get_queryset(request)
            .filter(incident__in=incidents_visible(user=request.user).values("pk"))
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


from emergency.admin_duty import DutyShiftAdmin, HandoverLogAdmin  # noqa: E402, F401  (duty rosters and handovers)
from emergency.admin_library import LibraryEntryAdmin  # noqa: E402, F401  (knowledge, case and document library)
from emergency.admin_plans import (  # noqa: E402, F401  (plans, responses and tasks)
    EmergencyResponseAdmin,
    PlanAdmin,
    PlanVersionAdmin,
    ResponseTaskAdmin,
)
