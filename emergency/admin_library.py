"""Admin for the knowledge, case and document library: scoped like the API, and written through
``emergency.services.library`` (so the file check, the owner's scope and the audit are the same)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.selectors.organisations import organisations_visible
from emergency.models import LibraryEntry
from emergency.selectors.library import library_entries_visible
from emergency.services.incidents import attachment_check
from emergency.services.library import library_entry_create, library_entry_update


class LibraryEntryForm(forms.ModelForm):
    upload = forms.FileField(label=_("file"), required=False, help_text=_("A photo or document."))
    remove_file = forms.BooleanField(label=_("remove the file"), required=False)
    tags_text = forms.CharField(
        label=_("tags"), required=False, help_text=_("Separated by commas."), max_length=1000
    )

    class Meta:
        model = LibraryEntry
        fields = ["kind", "title", "summary", "body", "incident_type", "incident", "organisation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["tags_text"].initial = ", ".join(self.instance.tags)

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            try:
                attachment_check(upload)
            except ValidationError as exc:
                raise ValidationError(exc.message_dict.get("files", exc.messages)) from exc
        return upload

    def clean_tags_text(self):
        text = self.cleaned_data.get("tags_text", "").replace("，", ",")
        return [t.strip() for t in text.split(",") if t.strip()]


@admin.register(LibraryEntry)
class LibraryEntryAdmin(admin.ModelAdmin):
    form = LibraryEntryForm
    list_display = ["title", "kind", "incident_type", "organisation", "updated_by", "updated"]
    list_filter = ["kind", "incident_type"]
    search_fields = ["title", "summary", "body"]
    date_hierarchy = "updated"
    raw_id_fields = ["incident"]

    def get_queryset(self, request):
        return library_entries_visible(user=request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "organisation" in form.base_fields:
            form.base_fields["organisation"].queryset = organisations_visible(user=request.user)
        return form

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {
            "kind": data["kind"],
            "title": data["title"],
            "summary": data.get("summary", ""),
            "body": data.get("body", ""),
            "tags": data.get("tags_text", []),
            "incident_type": data.get("incident_type"),
            "incident": data.get("incident"),
            "organisation": data.get("organisation"),
            "file": data.get("upload") or None,
        }
        if change:
            saved = library_entry_update(
                user=request.user, entry_id=obj.pk, remove_file=data.get("remove_file", False), **fields
            )
        else:
            saved = library_entry_create(user=request.user, **fields)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        pass


# --- Drills (演练): read-only here; planned and moved on through the API (``emergency.services.drills``) ---

from emergency.models import Drill  # noqa: E402
from emergency.selectors.drills import drills_visible  # noqa: E402


@admin.register(Drill)
class DrillAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "status",
        "plan_version",
        "level",
        "scheduled_at",
        "score",
        "incident",
        "organisation",
    ]
    list_filter = ["status", "level"]
    search_fields = ["title", "scenario", "evaluation", "report"]
    date_hierarchy = "scheduled_at"

    def get_queryset(self, request):
        return drills_visible(user=request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
