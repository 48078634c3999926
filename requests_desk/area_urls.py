from django.urls import path

from requests_desk import area_views, feeds

app_name = "areas"
urlpatterns = [
    path("", area_views.areas, name="list"),
    path("alerts/confirm/<str:token>/", area_views.alert_confirm, name="alert_confirm"),
    path("alerts/stop/<str:token>/", area_views.alert_stop, name="alert_stop"),
    path("<str:code>/", area_views.area, name="area"),
    path("<str:code>/new.atom", feeds.NewReportsFeed(), name="feed_new"),
    path("<str:code>/closed.atom", feeds.ClosedReportsFeed(), name="feed_closed"),
    path("<str:code>/alerts/", area_views.alert_subscribe, name="alert_subscribe"),
]
