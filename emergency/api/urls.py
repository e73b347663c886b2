from rest_framework.routers import DefaultRouter

from emergency.api.views import AlertViewSet

router = DefaultRouter(trailing_slash=True)
router.register("alerts", AlertViewSet, basename="alert")

urlpatterns = router.urls
