"""REST routes of the 三防 impact part (under /api/sanfang/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from sanfang.api import impact

router = SimpleRouter(trailing_slash=True)
router.register("registries/people", impact.PeopleRegistryViewSet, basename="registry-people")
router.register("registries/hazards", impact.HazardRegistryViewSet, basename="registry-hazards")
router.register("registries/targets", impact.TargetRegistryViewSet, basename="registry-targets")
router.register("registries/officers", impact.OfficerRegistryViewSet, basename="registry-officers")

urlpatterns: list = [
    path("impact/", impact.ImpactView.as_view(), name="impact"),
    # Before the list route, so that "export.xlsx" and "tasks" are not taken for list names.
    path("impact/export.xlsx", impact.ImpactExportView.as_view(), name="impact-export"),
    path("impact/tasks/", impact.ImpactTasksView.as_view(), name="impact-tasks"),
    path("impact/<slug:key>/", impact.ImpactListView.as_view(), name="impact-list"),
    *router.urls,
]
