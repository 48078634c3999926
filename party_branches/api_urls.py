from rest_framework.routers import SimpleRouter

from party_branches import api

router = SimpleRouter()
router.register("branches", api.BranchViewSet, basename="api-branch")
router.register("party-members", api.MemberViewSet, basename="api-party-member")
urlpatterns = router.urls
