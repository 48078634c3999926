from django.urls import path

from grids import views

app_name = "grids"
urlpatterns = [
    path("", views.GridMapView.as_view(), name="map"),
]
