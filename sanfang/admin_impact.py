"""Admin of the 三防 impact part (imported by ``sanfang.admin``): the four registries.

Each list shows only the rows the user may see (the API's scope). Phones are shown masked in the
list; the people registry needs the evacuation-list permission, and opening its list or a household
is audited like the API.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from sanfang.models import HazardPoint, InfoOfficer, PersonToMove, ProtectedTarget
from sanfang.selectors.impact import _mask_phone, evacuation_list_allowed, registry_scope
from sanfang.services.impact_registries import registry_people_viewed


class _RegistryAdmin(LeafletGeoAdmin):
    key = ""
    list_display = ["name", "kind", "district", "town", "organisation", "masked_phone", "active"]
    list_filter = ["kind", "active", "district"]
    search_fields = ["name", "town", "address"]
    list_select_related = ["district", "organisation"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["created_at", "updated_at"]

    def get_queryset(self, request):
        return registry_scope(super().get_queryset(request), user=request.user, key=self.key)

    @admin.display(description=_("contact phone"))
    def masked_phone(self, obj) -> str:
        return _mask_phone(obj.contact_phone or "")


@admin.register(PersonToMove)
class PersonToMoveAdmin(_RegistryAdmin):
    key = "people"
    list_display = [
        "name",
        "category",
        "people",
        "district",
        "town",
        "organisation",
        "masked_phone",
        "active",
    ]
    list_filter = ["category", "active", "district"]

    def has_module_permission(self, request) -> bool:
        return evacuation_list_allowed(user=request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return evacuation_list_allowed(user=request.user) and super().has_view_permission(request, obj)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if request.method == "GET" and getattr(response, "context_data", None):
            changelist = response.context_data.get("cl")
            if changelist is not None:
                registry_people_viewed(
                    user=request.user, what="admin list", count=len(changelist.result_list)
                )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, object_id)
            if obj is not None:
                registry_people_viewed(user=request.user, what="admin detail", count=1, obj=obj)
        return response


@admin.register(HazardPoint)
class HazardPointAdmin(_RegistryAdmin):
    key = "hazards"
    list_display = [*_RegistryAdmin.list_display[:-1], "warning_level", "active"]
    list_filter = ["kind", "warning_level", "active", "district"]
    readonly_fields = ["risk_coefficient", "warning_level", "risk_computed_at", "created_at", "updated_at"]


@admin.register(ProtectedTarget)
class ProtectedTargetAdmin(_RegistryAdmin):
    key = "targets"


@admin.register(InfoOfficer)
class InfoOfficerAdmin(_RegistryAdmin):
    key = "officers"
