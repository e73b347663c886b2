"""Admin of the 三防 decisions part (imported by ``sanfang.admin``): response rules (conditions checked
like the API's) and the recommendations (read-only: the commander decides on the decisions page)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from emergency.triggers import rule_errors, rule_text
from sanfang.models import ResponseRecommendation, ResponseRule


class ResponseRuleForm(forms.ModelForm):
    class Meta:
        model = ResponseRule
        fields = ["response_type", "level", "name", "condition", "active", "source"]

    def clean_condition(self):
        condition = self.cleaned_data["condition"]
        errors = rule_errors(condition, "condition")
        if errors:
            raise ValidationError([f"{path}: {message}" for path, message in errors])
        return condition


@admin.register(ResponseRule)
class ResponseRuleAdmin(admin.ModelAdmin):
    form = ResponseRuleForm
    list_display = ["name", "response_type", "level", "active", "condition_text"]
    list_filter = ["response_type", "level", "active"]
    search_fields = ["name", "source"]

    @admin.display(description=_("condition"))
    def condition_text(self, obj: ResponseRule) -> str:
        try:
            return rule_text(obj.condition)
        except (KeyError, TypeError):
            return "?"


@admin.register(ResponseRecommendation)
class ResponseRecommendationAdmin(admin.ModelAdmin):
    list_display = ["computed_at", "response_type", "level", "status", "decided_by", "decided_at", "response"]
    list_filter = ["response_type", "level", "status"]
    readonly_fields = [f.name for f in ResponseRecommendation._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
