import django_filters
from django.utils.translation import gettext_lazy as _

from emergency.choices import IncidentLevel, IncidentSource, IncidentStatus
from emergency.models import Incident
from emergency.selectors.incidents import incident_search, incident_types_for


class IncidentFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=IncidentStatus.choices)
    level = django_filters.MultipleChoiceFilter(choices=IncidentLevel.choices)
    source = django_filters.MultipleChoiceFilter(choices=IncidentSource.choices)
    type = django_filters.CharFilter(method="filter_type", help_text=_("Type or category code."))
    district = django_filters.CharFilter(field_name="district__adcode", help_text=_("District adcode."))
    occurred_after = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte")
    occurred_before = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="lt")
    drill = django_filters.BooleanFilter()
    q = django_filters.CharFilter(
        method="filter_q", help_text=_("Words to find in title, description or address.")
    )

    class Meta:
        model = Incident
        fields = ["status", "level", "source", "drill"]

    def filter_type(self, queryset, name, value):
        return queryset.filter(type__in=incident_types_for(code=value))

    def filter_q(self, queryset, name, value):
        return incident_search(queryset, q=value)
