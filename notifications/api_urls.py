from rest_framework.routers import SimpleRouter

from notifications.api import InboxViewSet

router = SimpleRouter()
router.register("inbox", InboxViewSet, basename="inbox")
urlpatterns = router.urls
