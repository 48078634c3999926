app_name = "requests_desk"
urlpatterns = []
