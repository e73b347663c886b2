from __future__ import annotations

import json

from rest_framework import serializers

from emergency.models import Alert


class AlertSerializer(serializers.ModelSerializer):
    """The one shape of an alert: the REST API and the live push both use it.

    Labels are left to the reader (the page knows its language); codes are stable.
    """

    geometry = serializers.SerializerMethodField()
    colour = serializers.CharField(read_only=True)
    urgent = serializers.BooleanField(read_only=True)
    acknowledged_by = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = [
            "id",
            "kind",
            "level",
            "colour",
            "urgent",
            "title",
            "body",
            "source_app",
            "source_model",
            "source_id",
            "geometry",
            "targets",
            "drill",
            "created",
            "acknowledged_by",
            "acknowledged_at",
            "cleared_at",
        ]
        read_only_fields = fields

    def get_geometry(self, alert: Alert) -> dict | None:
        return json.loads(alert.geom.geojson) if alert.geom else None

    def get_acknowledged_by(self, alert: Alert) -> str | None:
        user = alert.acknowledged_by
        if user is None:
            return None
        return user.get_full_name() or user.get_username()


def alert_payload(alert: Alert) -> dict:
    # Through JSON so datetimes become the same ISO strings the API returns.
    return json.loads(json.dumps(AlertSerializer(alert).data, default=str))
