from django.urls import path

from dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("start/", views.start, name="start"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("overview/", views.overview, name="overview"),
    path("search/", views.search, name="search"),
]
