from django.urls import path
from rest_framework.routers import DefaultRouter

from emergency.api import drills, duty, incident_views, library, plan_views, resource_views
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
router.register("plans", plan_views.PlanViewSet, basename="plan")
router.register("plan-versions", plan_views.PlanVersionViewSet, basename="planversion")
router.register("responses", plan_views.ResponseViewSet, basename="response")
router.register("tasks", plan_views.TaskViewSet, basename="task")
router.register("library", library.LibraryEntryViewSet, basename="libraryentry")
router.register("drills", drills.DrillViewSet, basename="drill")
router.register("duty-shifts", duty.DutyShiftViewSet, basename="dutyshift")
router.register("handovers", duty.HandoverViewSet, basename="handover")
router.register("contacts", duty.ContactViewSet, basename="contact")

urlpatterns = [
    # Before the router, so that "propose" and "facts" are not taken for response ids.
    path("responses/propose/", plan_views.ResponseProposalView.as_view(), name="response-propose"),
    path("responses/facts/", plan_views.FactVocabularyView.as_view(), name="response-facts"),
    *router.urls,
]
