"""Forms of the command-core web pages; the services do the checking, these only shape the input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from emergency.choices import PlanVersionStatus, ResponseLevel, TaskStatus
from emergency.selectors.plans import plans_visible


class ResponseStartForm(forms.Form):
    """A commander starts a response to an incident: the plan (its version in force) and the level."""

    plan = forms.ModelChoiceField(label=_("Plan"), queryset=None, empty_label=_("Choose a plan"))
    level = forms.ChoiceField(label=_("Response level"), choices=ResponseLevel.choices)
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = (
            plans_visible(user=user)
            .filter(versions__status=PlanVersionStatus.IN_FORCE)
            .distinct()
            .order_by("code")
        )


REPORTABLE = (TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS, TaskStatus.DONE)


class TaskReportForm(forms.Form):
    """A unit reports on its task: accepted, in progress or done (a note is needed for done)."""

    status = forms.ChoiceField(
        label=_("Report"), choices=[(s.value, s.label) for s in REPORTABLE], widget=forms.HiddenInput
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    photo = forms.FileField(label=_("Photo or document"), required=False)


class LossFilterForm(forms.Form):
    """The period of the loss statistics, and whether to count drills (never mixed with real events)."""

    occurred_after = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    occurred_before = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    drill = forms.BooleanField(label=_("Drills instead of real events"), required=False)

    def clean(self):
        data = super().clean()
        after, before = data.get("occurred_after"), data.get("occurred_before")
        if after and before and after > before:
            self.add_error("occurred_before", _("The end of the period is before its start."))
        return data
