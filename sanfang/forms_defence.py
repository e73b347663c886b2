"""Forms of the defence pages; they shape the input, the services check it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from sanfang.choices import DefenceCategory
from sanfang.selectors.defence import defence_districts, defence_events


def _event_label(event) -> str:
    label = event.title
    if event.drill:
        label = f"[{_('Drill')}] {label}"
    return label


class _EventDistrictForm(forms.Form):
    incident = forms.ModelChoiceField(label=_("Event"), queryset=None, empty_label=_("Choose an event"))
    district = forms.ModelChoiceField(label=_("District"), queryset=None, empty_label=_("Choose a district"))

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["incident"].queryset = defence_events(user=user, open_only=True)
        self.fields["incident"].label_from_instance = _event_label
        self.fields["district"].queryset = defence_districts(user=user)
        self.fields["district"].label_from_instance = lambda area: area.name
        districts = list(self.fields["district"].queryset[:2])
        if len(districts) == 1:  # a district's own unit: nothing to choose
            self.fields["district"].initial = districts[0].pk


class DefenceReportForm(_EventDistrictForm):
    town = forms.CharField(label=_("Town or subdistrict"), required=False, max_length=60)
    category = forms.ChoiceField(label=_("What"), choices=DefenceCategory.choices)
    # Negative numbers are refused by the service with a clear message; min=0 helps phone keyboards.
    value = forms.IntegerField(
        label=_("How many so far"),
        help_text=_("The running total for this place, not the increase since the last report."),
        widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class DisasterReportForm(_EventDistrictForm):
    affected_people = forms.IntegerField(label=_("People affected"), initial=0, min_value=None)
    deaths = forms.IntegerField(label=_("Deaths"), initial=0)
    missing = forms.IntegerField(label=_("Missing"), initial=0)
    injuries = forms.IntegerField(label=_("Injuries"), initial=0)
    houses_collapsed = forms.IntegerField(label=_("Houses collapsed"), initial=0)
    houses_damaged = forms.IntegerField(label=_("Houses damaged"), initial=0)
    crops_hectares = forms.DecimalField(label=_("Crops affected (ha)"), initial=0, decimal_places=2)
    economic_loss = forms.DecimalField(
        label=_("Direct economic loss (10k yuan)"), initial=0, decimal_places=2
    )
    people_relocated = forms.IntegerField(label=_("People relocated"), initial=0)
    relief_funds = forms.DecimalField(label=_("Relief funds (10k yuan)"), initial=0, decimal_places=2)
    relief_supplies = forms.CharField(
        label=_("Relief supplies"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, prefix="loss", **kwargs)
