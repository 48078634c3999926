from rest_framework.routers import SimpleRouter

from care import api

router = SimpleRouter()
router.register("care/households", api.HouseholdViewSet, basename="api-care-household")
router.register("care/residents", api.ResidentViewSet, basename="api-care-resident")
router.register("care/visits", api.VisitViewSet, basename="api-care-visit")
urlpatterns = router.urls
