"""The read-only audit log in the admin.

Reading needs ``accounts.view_auditentry``, which only the audit administrator role holds (三权分立).
Nobody, superusers included, can add, change or delete an entry here; the database refuses it as well
(migration 0003), and ``manage.py audit_verify`` detects what a database owner might do around both.
"""

from __future__ import annotations

import json

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditEntry

SHORT_CHANGES = 80


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = (
        "at",
        "actor_username",
        "interface",
        "ip",
        "action",
        "success",
        "model_label",
        "object_repr",
        "short_changes",
    )
    list_filter = ("action", "interface", "success")
    date_hierarchy = "at"
    search_fields = ("actor_username", "object_repr", "object_id")
    list_per_page = 100
    # Counting a large log on every page view is slow, and the exact total is rarely needed.
    show_full_result_count = False
    actions = None  # no "delete selected", nor any other bulk action
    fields = (
        "id",
        "at",
        "actor_id",
        "actor_username",
        "interface",
        "ip",
        "action",
        "success",
        "app_label",
        "model",
        "object_id",
        "object_repr",
        "changes_pretty",
        "message",
        "prev_hash",
        "hash",
    )
    readonly_fields = fields

    @admin.display(description=_("model"), ordering="model")
    def model_label(self, entry: AuditEntry) -> str:
        return f"{entry.app_label}.{entry.model}" if entry.model else ""

    @admin.display(description=_("changes"))
    def short_changes(self, entry: AuditEntry) -> str:
        if not entry.changes:
            return ""
        parts = []
        for name in sorted(entry.changes):
            value = entry.changes[name]
            if isinstance(value, list) and len(value) == 2:
                old, new = (json.dumps(v, ensure_ascii=False) for v in value)
                parts.append(f"{name}: {old} → {new}")
            else:
                parts.append(name)
        text = "; ".join(parts)
        return text if len(text) <= SHORT_CHANGES else text[: SHORT_CHANGES - 1] + "…"

    @admin.display(description=_("changes"))
    def changes_pretty(self, entry: AuditEntry) -> str:
        text = json.dumps(entry.changes, ensure_ascii=False, indent=2, sort_keys=True)
        return format_html('<pre style="white-space: pre-wrap; margin: 0">{}</pre>', text)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False
