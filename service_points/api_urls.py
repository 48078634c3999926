from django.urls import path

from service_points import api

urlpatterns = [
    path("positions/", api.PositionListView.as_view(), name="api-position-list"),
    path("positions/<int:pk>/", api.PositionDetailView.as_view(), name="api-position-detail"),
    path("rooms/", api.RoomListView.as_view(), name="api-room-list"),
    path("rooms/<int:pk>/", api.RoomDetailView.as_view(), name="api-room-detail"),
    path("bookings/", api.BookingListView.as_view(), name="api-booking-list"),
    path("bookings/<int:pk>/", api.BookingDetailView.as_view(), name="api-booking-detail"),
    path("bookings/<int:pk>/cancel/", api.BookingCancelView.as_view(), name="api-booking-cancel"),
]
