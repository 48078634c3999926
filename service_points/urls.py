from django.urls import path

from service_points import views

app_name = "service_points"
urlpatterns = [
    path("", views.PositionListView.as_view(), name="list"),
    path("map.json", views.position_map_data, name="map-data"),
    path("<int:pk>/", views.PositionDetailView.as_view(), name="detail"),
    path("rooms/", views.RoomListView.as_view(), name="rooms"),
    path("rooms/<int:pk>/", views.RoomWeekView.as_view(), name="room-week"),
    path("bookings/<int:pk>/cancel/", views.BookingCancelView.as_view(), name="booking-cancel"),
    path("coverage/", views.CoverageView.as_view(), name="coverage"),
]
