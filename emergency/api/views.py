from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from emergency.api.filters import AlertFilter
from emergency.api.serializers import AlertSerializer
from emergency.models import Alert
from emergency.selectors.alerts import alerts_visible
from emergency.services.alerts import AlertAlreadyAcknowledged, alert_acknowledge


class AlertViewSet(viewsets.ReadOnlyModelViewSet):
    """Alerts the caller may see, newest first. Filter by kind, level, time, id cursor and state."""

    serializer_class = AlertSerializer
    api_key_scopes = {"read": "alerts:read"}
    filter_backends = [DjangoFilterBackend]
    filterset_class = AlertFilter

    def get_queryset(self):
        return alerts_visible(user=self.request.user).order_by("-id")

    @extend_schema(request=None, responses={200: AlertSerializer, 409: None})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        try:
            alert = alert_acknowledge(alert_id=int(pk), user=request.user)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except (Alert.DoesNotExist, ValueError) as exc:
            raise NotFound(_("No such alert.")) from exc
        except AlertAlreadyAcknowledged as exc:
            return Response(
                {"detail": str(exc), "code": "already_acknowledged"}, status=status.HTTP_409_CONFLICT
            )
        return Response(AlertSerializer(alert).data)
