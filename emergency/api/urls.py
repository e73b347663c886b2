from rest_framework.routers import DefaultRouter

from emergency.api import incident_views, resource_views
from emergency.api.views import AlertViewSet

router = DefaultRouter(trailing_slash=True)
router.register("alerts", AlertViewSet, basename="alert")
router.register("incident-types", incident_views.IncidentTypeViewSet, basename="incidenttype")
router.register("incidents", incident_views.IncidentViewSet, basename="incident")
router.register("rescue-teams", resource_views.RescueTeamViewSet, basename="rescueteam")
router.register("depots", resource_views.DepotViewSet, basename="depot")
router.register("stock-items", resource_views.StockItemViewSet, basename="stockitem")
router.register("experts", resource_views.ExpertViewSet, basename="expert")
router.register("shelters", resource_views.ShelterViewSet, basename="shelter")
router.register("medical-facilities", resource_views.MedicalFacilityViewSet, basename="medicalfacility")
router.register("dispatches", resource_views.DispatchViewSet, basename="dispatch")

urlpatterns = router.urls
