from rest_framework.routers import SimpleRouter

from volunteers import api

router = SimpleRouter()
router.register(
    "volunteer-registrations", api.RegistrationViewSet, basename="api-volunteer-registration"
)
router.register("volunteer-activities", api.ActivityViewSet, basename="api-volunteer-activity")
router.register("volunteer-signups", api.SignUpViewSet, basename="api-volunteer-signup")
urlpatterns = router.urls
