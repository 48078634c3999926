from django.urls import path

from volunteers import views

app_name = "volunteers"
urlpatterns = [
    path("", views.MineView.as_view(), name="mine"),
    path("register/", views.RegisterView.as_view(), name="register"),
    path("registrations/<int:pk>/reconfirm/", views.ReconfirmView.as_view(), name="reconfirm"),
    path("activities/<int:pk>/signup/", views.SignUpView.as_view(), name="signup"),
    path("signups/<int:pk>/cancel/", views.CancelSignUpView.as_view(), name="cancel_signup"),
    path("needs/<int:pk>/take/", views.TakeNeedsListItemView.as_view(), name="take_need"),
    path("check/<int:pk>/<uuid:token>/", views.QrCheckView.as_view(), name="qr_check"),
    path("staff/", views.StaffHomeView.as_view(), name="staff_home"),
    path("staff/registrations/", views.RegistrationListView.as_view(), name="registrations"),
    path(
        "staff/registrations/<int:pk>/<str:decision>/",
        views.RegistrationDecideView.as_view(),
        name="registration_decide",
    ),
    path("staff/activities/", views.ActivityListView.as_view(), name="activities"),
    path("staff/activities/<int:pk>/", views.ActivityDetailView.as_view(), name="activity"),
    path(
        "staff/activities/<int:pk>/qr.<str:fmt>", views.ActivityQrView.as_view(), name="activity_qr"
    ),
    path("staff/needs/", views.NeedsListView.as_view(), name="needs"),
    path("staff/stats/", views.StatsView.as_view(), name="stats"),
]
