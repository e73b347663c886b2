"""REST routes of the 三防 decisions part (under /api/sanfang/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from sanfang.api.decisions import FactsView, RecommendationViewSet, ResponseRuleViewSet, RiskView

router = SimpleRouter()
router.register("recommendations", RecommendationViewSet, basename="recommendation")
router.register("response-rules", ResponseRuleViewSet, basename="response-rule")

urlpatterns: list = [
    path("facts/", FactsView.as_view(), name="facts"),
    path("risk/", RiskView.as_view(), name="risk"),
    *router.urls,
]
