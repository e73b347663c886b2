"""Admin of feed sources (with their health), runs, kept payloads and the quarantine."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ingest.adapters import adapter_choices
from ingest.choices import FeedState, QuarantineState
from ingest.models import QuarantinedRecord, Run, RunPayload, SeismicEvent, Source
from ingest.services.health import lag_text, source_lag, source_state
from ingest.services.quarantine import quarantine_discard, quarantine_reprocess
from ingest.services.sources import source_pull_now, source_push_token_issue

_STATE_COLOURS = {
    FeedState.OK: "#16a34a",
    FeedState.LATE: "#d97706",
    FeedState.DOWN: "#dc2626",
    FeedState.UNKNOWN: "#6b7280",
    FeedState.DISABLED: "#9ca3af",
}


class SourceForm(forms.ModelForm):
    adapter = forms.ChoiceField(label=_("adapter"), choices=())
    url = forms.URLField(label=_("address"), required=False, max_length=1000, assume_scheme="https")
    secret_headers = forms.JSONField(label=_("secret request headers"), required=False)
    password = forms.CharField(
        label=_("password or token"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored encrypted. Leave blank to keep the stored one."),
    )

    class Meta:
        model = Source
        fields = [
            "name",
            "slug",
            "department",
            "data_kind",
            "enabled",
            "adapter",
            "settings",
            "timezone",
            "transport",
            "url",
            "headers",
            "auth",
            "username",
            "password",
            "secret_headers",
            "timeout_seconds",
            "directory",
            "interval",
            "crontab",
            "late_after_minutes",
            "max_retries",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adapter"].choices = adapter_choices()
        # The stored secret headers are never sent back to the browser.
        if self.instance.pk and self.instance.secret_headers:
            self.initial["secret_headers"] = dict.fromkeys(self.instance.secret_headers, "")
            self.fields["secret_headers"].help_text = _(
                "Stored encrypted. Leave the values blank to keep the stored ones; give a value to replace one."
            )

    def clean_password(self):
        value = self.cleaned_data.get("password")
        return value or (self.instance.password if self.instance.pk else "")

    def clean_secret_headers(self):
        value = self.cleaned_data.get("secret_headers") or {}
        if not isinstance(value, dict):
            raise ValidationError(_("Give a JSON object of header names and values."))
        stored = self.instance.secret_headers if self.instance.pk else {}
        return {key: (val or stored.get(key, "")) for key, val in value.items()}


class RunInline(admin.TabularInline):
    model = Run
    fk_name = "source"
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    fields = [
        "started_at",
        "trigger",
        "status",
        "rows_seen",
        "rows_written",
        "rows_duplicate",
        "rows_rejected",
        "error",
    ]
    readonly_fields = fields
    ordering = ["-started_at"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        recent = queryset.order_by("-started_at").values_list("pk", flat=True)[:10]
        return queryset.filter(pk__in=list(recent))


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    form = SourceForm
    list_display = [
        "name",
        "department",
        "data_kind",
        "adapter",
        "transport",
        "enabled",
        "health_badge",
        "last_success_at",
        "lag",
        "consecutive_failures",
    ]
    list_filter = ["enabled", "transport", "data_kind", "adapter", "health", "department"]
    search_fields = ["name", "slug", "url"]
    list_select_related = ["department", "interval", "crontab"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["department"]
    inlines = [RunInline]
    actions = ["pull_now", "issue_push_token", "enable", "disable"]
    readonly_fields = [
        "health_badge",
        "lag",
        "last_run_at",
        "last_success_at",
        "last_error",
        "consecutive_failures",
        "push_address",
        "push_token_hint",
    ]
    fieldsets = [
        (None, {"fields": ["name", "slug", "department", "data_kind", "enabled"]}),
        (_("Adapter"), {"fields": ["adapter", "settings", "timezone"]}),
        (
            _("Transport"),
            {
                "fields": [
                    "transport",
                    "url",
                    "headers",
                    "auth",
                    "username",
                    "password",
                    "secret_headers",
                    "timeout_seconds",
                    "directory",
                    "push_address",
                    "push_token_hint",
                ]
            },
        ),
        (_("Schedule and health"), {"fields": ["interval", "crontab", "late_after_minutes", "max_retries"]}),
        (
            _("State"),
            {
                "fields": [
                    "health_badge",
                    "lag",
                    "last_run_at",
                    "last_success_at",
                    "consecutive_failures",
                    "last_error",
                ]
            },
        ),
    ]

    @admin.display(description=_("health"))
    def health_badge(self, obj: Source) -> str:
        state = source_state(obj, now=timezone.now()) if obj.pk else FeedState.UNKNOWN
        return format_html(
            '<span style="color:#fff;background:{};padding:1px 8px;border-radius:8px">{}</span>',
            _STATE_COLOURS[state],
            FeedState(state).label,
        )

    @admin.display(description=_("last success"))
    def lag(self, obj: Source) -> str:
        return lag_text(source_lag(obj, now=timezone.now())) if obj.pk else "–"

    @admin.display(description=_("push address"))
    def push_address(self, obj: Source) -> str:
        if not obj.pk:
            return "–"
        return reverse("ingest-api:source-push", args=[obj.slug])

    @admin.action(description=_("Pull the selected sources now"))
    def pull_now(self, request, queryset):
        started = 0
        for source in queryset:
            try:
                source_pull_now(source=source, user=request.user)
                started += 1
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(
                    request, f"{source}: {' '.join(getattr(exc, 'messages', [str(exc)]))}", messages.ERROR
                )
        if started:
            self.message_user(
                request,
                ngettext("%(n)s pull queued.", "%(n)s pulls queued.", started) % {"n": started},
                messages.SUCCESS,
            )

    @admin.action(description=_("Issue a new push token"), permissions=["change"])
    def issue_push_token(self, request, queryset):
        for source in queryset:
            token = source_push_token_issue(source=source, user=request.user)
            self.message_user(
                request,
                _("New push token for %(name)s (shown only now, the old one no longer works): %(token)s")
                % {"name": source.name, "token": token},
                messages.WARNING,
            )

    @admin.action(description=_("Enable the selected sources"), permissions=["change"])
    def enable(self, request, queryset):
        for source in queryset:
            source.enabled = True
            source.save(update_fields=["enabled", "updated_at"])

    @admin.action(description=_("Disable the selected sources"), permissions=["change"])
    def disable(self, request, queryset):
        for source in queryset:
            source.enabled = False
            source.save(update_fields=["enabled", "updated_at"])


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Run)
class RunAdmin(ReadOnlyAdmin):
    list_display = [
        "started_at",
        "source",
        "trigger",
        "attempt",
        "status",
        "bytes",
        "rows_seen",
        "rows_written",
        "rows_duplicate",
        "rows_rejected",
        "rows_skipped",
        "error_kind",
    ]
    list_filter = ["status", "trigger", "error_kind", "source"]
    search_fields = ["origin", "error"]
    date_hierarchy = "started_at"
    list_select_related = ["source"]
    readonly_fields = ["payload_link"]

    @admin.display(description=_("kept payload"))
    def payload_link(self, obj: Run) -> str:
        payload = RunPayload.objects.filter(run=obj).only("size", "truncated").first()
        if payload is None:
            return "–"
        url = reverse("admin:ingest_run_payload", args=[obj.pk])
        note = _(" (truncated)") if payload.truncated else ""
        return format_html(
            '<a href="{}">{}</a>{}', url, _("download %(size)s bytes") % {"size": payload.size}, note
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/payload/",
                self.admin_site.admin_view(self.download_payload),
                name="ingest_run_payload",
            ),
            *super().get_urls(),
        ]

    def download_payload(self, request, pk: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        payload = get_object_or_404(RunPayload, run_id=pk)
        response = HttpResponse(bytes(payload.content), content_type="application/octet-stream")
        response["Content-Disposition"] = f'attachment; filename="run-{pk}-payload.bin"'
        return response


@admin.register(QuarantinedRecord)
class QuarantinedRecordAdmin(ReadOnlyAdmin):
    list_display = ["created", "source", "run", "locator", "reason", "state"]
    list_filter = ["state", "adapter", "source"]
    search_fields = ["reason", "raw", "locator"]
    list_select_related = ["source", "run"]
    actions = ["reprocess", "discard"]

    def has_reprocess_permission(self, request):
        return request.user.has_perm("ingest.reprocess_quarantinedrecord")

    @admin.action(description=_("Re-process the selected records"), permissions=["reprocess"])
    def reprocess(self, request, queryset):
        runs = quarantine_reprocess(
            record_ids=queryset.filter(state=QuarantineState.PENDING).values_list("pk", flat=True),
            user=request.user,
        )
        for run in runs:
            self.message_user(
                request,
                _(
                    "Run %(id)s: %(written)s written, %(duplicate)s already stored, %(rejected)s rejected again."
                )
                % {
                    "id": run.pk,
                    "written": run.rows_written,
                    "duplicate": run.rows_duplicate,
                    "rejected": run.rows_rejected,
                },
                messages.SUCCESS if not run.rows_rejected else messages.WARNING,
            )

    @admin.action(description=_("Discard the selected records"), permissions=["reprocess"])
    def discard(self, request, queryset):
        count = quarantine_discard(record_ids=queryset.values_list("pk", flat=True), user=request.user)
        self.message_user(request, _("%(n)s records discarded.") % {"n": count}, messages.SUCCESS)


@admin.register(SeismicEvent)
class SeismicEventAdmin(ReadOnlyAdmin):
    list_display = ["time", "magnitude", "place", "event_type", "status", "pager_alert", "tsunami", "alert"]
    list_filter = ["event_type", "status", "tsunami", "source"]
    search_fields = ["event_id", "place", "title"]
    date_hierarchy = "time"
    exclude = ["properties"]
