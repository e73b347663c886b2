"""REST routes of the defence part, under ``/api/sanfang/`` (see ``sanfang.api.defence``)."""

from django.urls import path

from sanfang.api import defence

urlpatterns: list = [
    path("defence/events/", defence.DefenceEventsView.as_view(), name="defence-events"),
    path("defence/progress/", defence.DefenceProgressView.as_view(), name="defence-progress"),
    path("defence/reports/", defence.DefenceReportListCreateView.as_view(), name="defence-reports"),
    path("defence/targets/", defence.DefenceTargetListCreateView.as_view(), name="defence-targets"),
    path("disaster-reports/", defence.DisasterReportListCreateView.as_view(), name="disaster-reports"),
    path("disaster-statistics/", defence.DisasterStatisticsView.as_view(), name="disaster-statistics"),
]
