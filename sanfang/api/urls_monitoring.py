"""REST routes of the 三防 monitoring part, under /api/sanfang/."""

from django.urls import path

from sanfang.api import monitoring

urlpatterns: list = [
    path("stations/", monitoring.StationListView.as_view(), name="station-list"),
    path("stations/<int:pk>/", monitoring.StationDetailView.as_view(), name="station-detail"),
    path("stations/<int:pk>/readings/", monitoring.StationReadingsView.as_view(), name="station-readings"),
]
