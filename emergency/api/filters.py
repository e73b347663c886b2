import django_filters

from emergency.choices import AlertKind, AlertLevel
from emergency.models import Alert


class AlertFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=AlertKind.choices)
    level = django_filters.MultipleChoiceFilter(choices=AlertLevel.choices)
    created_after = django_filters.IsoDateTimeFilter(field_name="created", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created", lookup_expr="lt")
    after_id = django_filters.NumberFilter(field_name="id", lookup_expr="gt")
    acknowledged = django_filters.BooleanFilter(
        field_name="acknowledged_at", lookup_expr="isnull", exclude=True
    )
    active = django_filters.BooleanFilter(field_name="cleared_at", lookup_expr="isnull")
    source_app = django_filters.CharFilter()
    drill = django_filters.BooleanFilter()

    class Meta:
        model = Alert
        fields = ["kind", "level", "source_app", "drill"]
