from django.urls import path

from ingest.api import views

app_name = "ingest-api"

urlpatterns = [
    path("sources/<slug:slug>/push/", views.SourcePushView.as_view(), name="source-push"),
    path("outbound/warnings/", views.OutboundWarningsView.as_view(), name="outbound-warnings"),
    path("outbound/alerts/", views.OutboundAlertsView.as_view(), name="outbound-alerts"),
    path("outbound/responses/", views.OutboundResponsesView.as_view(), name="outbound-responses"),
]
