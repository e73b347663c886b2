from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts import admin_audit  # noqa: F401  (registers the read-only audit log)
from accounts.forms import LoginForm
from accounts.models import Organisation, Role, RoleAssignment, User
from accounts.models.users import role_conflict_message
from accounts.selectors.organisations import organisations_visible, users_visible
from accounts.services.roles import user_sync_staff

# The admin logs in through the same form (and so the same lockout) as the platform's pages.
admin.site.login_form = LoginForm
admin.site.login_template = "accounts/login.html"


class RoleAssignmentFormSet(forms.models.BaseInlineFormSet):
    def clean(self):
        super().clean()
        kept = [
            form.cleaned_data["role"]
            for form in self.forms
            if form.cleaned_data.get("role") and not form.cleaned_data.get("DELETE")
        ]
        for i, role in enumerate(kept):
            for other in kept[i + 1 :]:
                if role.exclusive_group and role.exclusive_group == other.exclusive_group:
                    raise forms.ValidationError(role_conflict_message(other, role))


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    formset = RoleAssignmentFormSet
    extra = 0
    fields = ("role", "granted_by", "granted_at")
    readonly_fields = ("granted_by", "granted_at")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [RoleAssignmentInline]
    list_display = (
        "username",
        "last_name",
        "first_name",
        "organisation",
        "is_active",
        "is_staff",
        "locked_until",
    )
    list_filter = ("is_active", "is_staff", "organisation__kind", "roles")
    search_fields = ("username", "first_name", "last_name", "email", "organisation__name")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("last_name", "first_name", "email")}),
        (_("Organisation"), {"fields": ("organisation",)}),
        (
            _("Status"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "failed_login_count",
                    "locked_until",
                    "last_login",
                    "date_joined",
                )
            },
        ),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "organisation", "password1", "password2")}),
    )
    readonly_fields = ("is_staff", "last_login", "date_joined", "failed_login_count")

    def get_queryset(self, request):
        return users_visible(user=request.user).select_related("organisation")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            kwargs["queryset"] = organisations_visible(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for instance in instances:
            if isinstance(instance, RoleAssignment) and instance.granted_by_id is None:
                instance.granted_by = request.user
            instance.save()
        formset.save_m2m()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user_sync_staff(user=form.instance)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "parent", "admin_area", "code", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)
    raw_id_fields = ("admin_area",)

    def get_queryset(self, request):
        return organisations_visible(user=request.user).select_related("parent", "admin_area")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = organisations_visible(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("__str__", "code", "city_wide", "staff", "exclusive_group")
    readonly_fields = ("code", "exclusive_group")
    filter_horizontal = ("permissions",)

    def has_add_permission(self, request):
        return False  # the role set is fixed by migration

    def has_delete_permission(self, request, obj=None):
        return False


# --- API keys -------------------------------------------------------------------------------------

from accounts.models import ApiKey  # noqa: E402


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are issued with ``accounts.services.api_keys.api_key_create`` (the clear key is shown once);
    the admin lists and revokes them."""

    list_display = ["name", "organisation", "prefix", "scopes", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["organisation"]
    readonly_fields = [
        "name",
        "organisation",
        "user",
        "prefix",
        "scopes",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    exclude = ["hashed"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke the selected API keys"), permissions=["change"])
    def revoke(self, request, queryset):
        from accounts.services.api_keys import api_key_revoke

        for key in queryset:
            api_key_revoke(key=key, by=request.user)
