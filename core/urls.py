from django.urls import path

from core import views

app_name = "core"

urlpatterns = [
    path("files/<slug:kind>/<int:pk>/<str:name>", views.file, name="file"),
    path("too-large/", views.too_large, name="too_large"),
]
