from rest_framework.routers import SimpleRouter

from requests_desk import api

router = SimpleRouter()
router.register("requests", api.RequestViewSet, basename="api-request")
router.register("request-categories", api.CategoryViewSet, basename="api-request-category")
urlpatterns = router.urls
