app_name = "party_branches"
urlpatterns = []
