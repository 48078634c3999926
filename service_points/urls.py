app_name = "service_points"
urlpatterns = []
