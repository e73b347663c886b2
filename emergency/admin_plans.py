"""Admin for plans, responses and tasks (imported by ``emergency.admin``).

The same selectors scope the lists as in the API, and every write goes through the same services:
plans are imported from a file (a change is a new version), versions are put in force by an action,
responses are started from the add form and raised, lowered or ended by actions.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from emergency.api.incident_serializers import mask_phone
from emergency.choices import RESPONSE_LEVEL_RANK, ResponseLevel
from emergency.models import (
    EmergencyResponse,
    Plan,
    PlanAction,
    PlanGroup,
    PlanLevel,
    PlanUnit,
    PlanVersion,
    ResponseLogEntry,
    ResponseTask,
    TaskReport,
)


def _errors(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
        return "; ".join(exc.messages)
    return str(exc)


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PlanImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Plan file (JSON or YAML)"))
    in_force = forms.BooleanField(label=gettext_lazy("Put the new version in force"), required=False)


class PlanVersionInline(_ReadOnlyInline):
    model = PlanVersion
    fields = ["number", "status", "name", "approved_at", "in_force_from", "in_force_until", "created_by"]
    readonly_fields = fields
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(_ReadOnlyAdmin):
    """Plans change only by importing a new version (``Import a plan`` above the list)."""

    list_display = ["code", "name", "kind", "response_type", "organisation"]
    list_filter = ["kind", "response_type"]
    search_fields = ["code", "name"]
    inlines = [PlanVersionInline]
    change_list_template = "admin/emergency/plan/change_list.html"

    def get_queryset(self, request):
        from emergency.selectors.plans import plans_visible

        return plans_visible(user=request.user)

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="emergency_plan_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        from emergency.services.plan_documents import PlanDocumentError
        from emergency.services.plans import plan_import

        if not request.user.has_perm("emergency.manage_plan"):
            raise PermissionDenied
        problems = []
        form = PlanImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                version, created = plan_import(
                    user=request.user,
                    text=upload.read(),
                    filename=upload.name,
                    put_in_force=form.cleaned_data["in_force"],
                )
            except PlanDocumentError as exc:
                problems = [(p.path or "—", p.text()) for p in exc.problems]
            else:
                message = (
                    _("Imported %(plan)s version %(n)d.")
                    if created
                    else _("%(plan)s is unchanged (version %(n)d).")
                )
                self.message_user(
                    request, message % {"plan": version.name, "n": version.number}, messages.SUCCESS
                )
                return redirect(reverse("admin:emergency_plan_change", args=[version.plan_id]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import a plan"),
            "form": form,
            "problems": problems,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/emergency/plan/import.html", context)


class PlanUnitInline(_ReadOnlyInline):
    model = PlanUnit
    fields = ["key", "name", "organisation", "duties", "responsible", "masked_phone"]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("contact phone"))
    def masked_phone(self, obj):
        return mask_phone(obj.phone)


class PlanGroupInline(_ReadOnlyInline):
    model = PlanGroup
    fields = ["key", "name", "lead", "duties"]
    readonly_fields = fields


class PlanLevelInline(_ReadOnlyInline):
    model = PlanLevel
    fields = ["level", "name", "trigger_text", "actions_text"]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("trigger rule"))
    def trigger_text(self, obj):
        from emergency.triggers import rule_text

        return rule_text(obj.trigger) if obj.trigger else _("Commander's decision only")

    @admin.display(description=gettext_lazy("actions"))
    def actions_text(self, obj):
        actions = PlanAction.objects.filter(level=obj).select_related("unit", "group")
        return " | ".join(
            f"{(a.unit or a.group).name}: {a.text} (+{a.deadline_minutes} min)" for a in actions
        )


@admin.action(description=gettext_lazy("Put the selected version in force"), permissions=["manage"])
def put_in_force(modeladmin, request, queryset):
    from emergency.services.plans import plan_version_put_in_force

    for version in queryset:
        try:
            plan_version_put_in_force(user=request.user, version_id=version.pk)
        except (ValidationError, PermissionDenied) as exc:
            modeladmin.message_user(request, f"{version}: {_errors(exc)}", messages.ERROR)
        else:
            modeladmin.message_user(
                request, _("%(version)s is in force.") % {"version": version}, messages.SUCCESS
            )


@admin.register(PlanVersion)
class PlanVersionAdmin(_ReadOnlyAdmin):
    """Versions are read-only: their content is fixed; only their place in the history changes."""

    list_display = ["plan", "number", "status", "name", "in_force_from", "in_force_until"]
    list_filter = ["status", "plan"]
    readonly_fields = [
        "plan",
        "number",
        "status",
        "name",
        "approved_at",
        "filing_number",
        "note",
        "incident_types",
        "districts",
        "created",
        "created_by",
        "in_force_from",
        "in_force_until",
    ]
    fields = readonly_fields
    inlines = [PlanUnitInline, PlanGroupInline, PlanLevelInline]
    actions = [put_in_force]

    def get_queryset(self, request):
        from emergency.selectors.plans import plan_versions_visible

        return plan_versions_visible(user=request.user)

    def has_manage_permission(self, request):
        return request.user.has_perm("emergency.manage_plan")


# --- Responses and tasks ------------------------------------------------------------------------


class ResponseLogInline(_ReadOnlyInline):
    model = ResponseLogEntry
    fields = ["at", "change", "old_level", "new_level", "reason", "tasks_added", "tasks_cancelled", "actor"]
    readonly_fields = fields


class ResponseTaskInline(_ReadOnlyInline):
    model = ResponseTask
    fields = ["organisation", "group_name", "text", "deadline", "status", "done_at", "cancel_reason"]
    readonly_fields = fields
    show_change_link = True


class ResponseStartForm(forms.ModelForm):
    """Starting is done in ``clean()`` through ``response_start`` (the admin's add view runs in one
    transaction), so that what the service refuses shows as form errors."""

    reason = forms.CharField(label=gettext_lazy("reason"), widget=forms.Textarea, required=False)
    request = None  # set by EmergencyResponseAdmin.get_form

    class Meta:
        model = EmergencyResponse
        fields = ["plan", "incident", "event_name", "level", "drill"]

    def clean(self):
        from emergency.services.responses import response_start

        data = super().clean()
        if self.errors:
            return data
        try:
            self.started = response_start(
                user=self.request.user,
                plan_id=data["plan"].pk,
                level=data["level"],
                incident_id=data["incident"].pk if data.get("incident") else None,
                event_name=data.get("event_name", ""),
                reason=data.get("reason", ""),
                drill=data.get("drill", False),
            )
        except (ValidationError, PermissionDenied) as exc:
            raise ValidationError(_errors(exc)) from exc
        return data

    def _post_clean(self):
        pass  # the service validated and wrote the response


def _level_step(step: int, label):
    def run(modeladmin, request, queryset):
        from emergency.services.responses import response_change_level

        order = sorted(ResponseLevel.values, key=lambda lv: RESPONSE_LEVEL_RANK[lv])
        for response in queryset:
            index = order.index(response.level) + step
            if not 0 <= index < len(order):
                modeladmin.message_user(
                    request, _("%(r)s: no level beyond this one.") % {"r": response}, messages.ERROR
                )
                continue
            try:
                response_change_level(
                    user=request.user,
                    response_id=response.pk,
                    level=order[index],
                    reason=_("Changed in the admin."),
                )
            except (ValidationError, PermissionDenied) as exc:
                modeladmin.message_user(request, f"{response}: {_errors(exc)}", messages.ERROR)

    run.__name__ = "raise_level" if step > 0 else "lower_level"
    run.short_description = label
    run.allowed_permissions = ("command",)
    return run


@admin.action(description=gettext_lazy("End the selected responses"), permissions=["command"])
def end_responses(modeladmin, request, queryset):
    from emergency.services.responses import response_end

    for response in queryset:
        try:
            response_end(user=request.user, response_id=response.pk, reason=_("Ended in the admin."))
        except (ValidationError, PermissionDenied) as exc:
            modeladmin.message_user(request, f"{response}: {_errors(exc)}", messages.ERROR)


@admin.register(EmergencyResponse)
class EmergencyResponseAdmin(admin.ModelAdmin):
    """Started with the add form (through ``response_start``); changed only by the actions."""

    list_display = ["id", "plan_version", "level", "status", "incident", "event_name", "drill", "started_at"]
    list_filter = ["status", "level", "drill", "plan"]
    inlines = [ResponseLogInline, ResponseTaskInline]
    actions = [
        _level_step(1, gettext_lazy("Raise the selected responses by one level")),
        _level_step(-1, gettext_lazy("Lower the selected responses by one level")),
        end_responses,
    ]
    readonly_fields = [
        "plan",
        "plan_version",
        "incident",
        "event_name",
        "level",
        "status",
        "drill",
        "started_at",
        "started_by",
        "level_since",
        "ended_at",
    ]

    def get_queryset(self, request):
        from emergency.selectors.responses import responses_visible

        return responses_visible(user=request.user)

    def has_add_permission(self, request):
        return request.user.has_perm("emergency.command_response")

    def has_change_permission(self, request, obj=None):
        return obj is None and request.user.has_perm("emergency.command_response")

    def has_delete_permission(self, request, obj=None):
        return False

    def has_command_permission(self, request):
        return request.user.has_perm("emergency.command_response")

    def get_inlines(self, request, obj):
        # The add form has no inlines: the service writes the log and the tasks, so nothing else can
        # fail after the response was started in the form's clean().
        return self.inlines if obj is not None else []

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = type("BoundResponseStartForm", (ResponseStartForm,), {"request": request})
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["plan", "incident", "event_name", "level", "drill", "reason"]
        return self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "plan":
            from emergency.selectors.plans import plans_visible

            kwargs["queryset"] = plans_visible(user=request.user).filter(versions__status="in_force")
        if db_field.name == "incident":
            from emergency.choices import OPEN_INCIDENT_STATUSES
            from emergency.selectors.incidents import incidents_visible

            kwargs["queryset"] = incidents_visible(user=request.user).filter(
                status__in=OPEN_INCIDENT_STATUSES
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        obj.pk = form.started.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        pass  # the service wrote everything


class TaskReportInline(_ReadOnlyInline):
    model = TaskReport
    fields = ["created", "status", "note", "author"]
    readonly_fields = fields


@admin.register(ResponseTask)
class ResponseTaskAdmin(_ReadOnlyAdmin):
    """Tasks of the user's organisation subtree; units report on them through the API or mobile page."""

    list_display = ["text", "organisation", "group_name", "level", "deadline", "status", "response"]
    list_filter = ["status", "level"]
    search_fields = ["text", "unit_name", "group_name"]
    inlines = [TaskReportInline]

    def get_queryset(self, request):
        from emergency.selectors.responses import tasks_visible

        return tasks_visible(user=request.user)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("emergency.view_responsetask")
