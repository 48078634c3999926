from rest_framework.routers import SimpleRouter

from patrols import api

router = SimpleRouter()
router.register("patrols/patrols", api.PatrolViewSet, basename="api-patrol")
router.register("patrols/check-ins", api.CheckInViewSet, basename="api-patrol-check-in")
router.register("patrols/findings", api.FindingViewSet, basename="api-patrol-finding")
urlpatterns = router.urls
