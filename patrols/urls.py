from django.urls import path

from patrols import views

app_name = "patrols"
urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("coverage/", views.coverage, name="coverage"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/check-in/", views.check_in, name="check_in"),
    path("<int:pk>/finding/", views.finding_create, name="finding_new"),
    path("<int:pk>/end/", views.end, name="end"),
    path("findings/<int:pk>/to-request/", views.finding_request, name="finding_to_request"),
    path("findings/<int:pk>/handled/", views.finding_handled, name="finding_handled"),
]
