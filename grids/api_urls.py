from django.urls import path

from grids import api

urlpatterns = [
    path("grids/", api.GridListView.as_view(), name="api-grid-list"),
    path("grids/<str:code>/", api.GridDetailView.as_view(), name="api-grid-detail"),
    path("places/", api.PlaceSearchView.as_view(), name="api-places"),
    path("places/here/", api.PlaceHereView.as_view(), name="api-places-here"),
    path("locate/", api.LocateView.as_view(), name="api-locate"),
]
