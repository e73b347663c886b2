"""Forms of the command-core web pages; the services do the checking, these only shape the input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors.organisations import organisations_visible
from emergency.choices import DutyPost, LibraryKind, PlanVersionStatus, ResponseLevel, TaskStatus
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


class DutyShiftForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    person = forms.ModelChoiceField(label=_("Person"), queryset=None)
    post = forms.ChoiceField(label=_("Post"), choices=DutyPost.choices)
    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, prefix="shift", **kwargs)
        organisations = organisations_visible(user=user).order_by("name")
        self.fields["organisation"].queryset = organisations
        self.fields["person"].queryset = User.objects.filter(
            is_active=True, organisation__in=organisations.values("pk")
        ).order_by("username")


class HandoverForm(forms.Form):
    received_by = forms.ModelChoiceField(label=_("Handed over to"), queryset=None)
    summary = forms.CharField(label=_("Summary of the shift"), widget=forms.Textarea(attrs={"rows": 3}))
    open_items = forms.CharField(
        label=_("Open items to follow up"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, receivers, **kwargs) -> None:
        super().__init__(*args, prefix="handover", **kwargs)
        self.fields["received_by"].queryset = receivers


class DispatchForm(forms.Form):
    """Dispatch one resource to an incident: a ready team, an available expert, or stock from a depot.

    ``resource`` is ``team-<id>``, ``expert-<id>`` or ``stock-<id>``; the service checks the rest."""

    incident = forms.ModelChoiceField(label=_("Incident"), queryset=None, empty_label=_("Choose an incident"))
    resource = forms.ChoiceField(label=_("Resource"))
    quantity = forms.IntegerField(
        label=_("Quantity (stock only)"), required=False, widget=forms.NumberInput(attrs={"min": 1})
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, incidents, teams, experts, items, **kwargs) -> None:
        super().__init__(*args, prefix="dispatch", **kwargs)
        self.fields["incident"].queryset = incidents
        self.fields["resource"].choices = [
            ("", _("Choose a resource")),
            (_("Rescue teams (ready)"), [(f"team-{t.pk}", t.name) for t in teams]),
            (_("Experts (available)"), [(f"expert-{e.pk}", e.name) for e in experts]),
            (
                _("Stock"),
                [(f"stock-{i.pk}", f"{i.depot.name} · {i.name} ({i.quantity} {i.unit})") for i in items],
            ),
        ]

    def clean(self):
        data = super().clean()
        kind, _sep, pk = (data.get("resource") or "").partition("-")
        data["kind"], data["resource_id"] = kind, int(pk) if pk.isdigit() else None
        if kind == "stock" and not data.get("quantity"):
            self.add_error("quantity", _("Say how many to dispatch."))
        return data


class LibrarySearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *LibraryKind.choices]
