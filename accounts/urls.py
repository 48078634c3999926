from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import people_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("second-factor/", views.second_factor_verify, name="second_factor"),
    path("second-factor/setup/", views.second_factor_setup, name="second_factor_setup"),
    path("me/", views.me, name="me"),
    path("password/", views.password_change, name="password_change"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/reset/code/", views.password_reset_code, name="password_reset_code"),
    path("link/<str:secret>/", views.password_link, name="password_link"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/revoke/", views.token_revoke, name="token_revoke"),
    path("people/", people_views.people, name="people"),
    path("people/new/", people_views.person_create, name="person_create"),
    path("people/<int:pk>/", people_views.person, name="person"),
    path("people/<int:pk>/link/", people_views.person_link, name="person_link"),
    path(
        "people/<int:pk>/second-factor/reset/",
        people_views.person_second_factor_reset,
        name="person_second_factor_reset",
    ),
    path("people/<int:pk>/deactivate/", people_views.person_deactivate, name="person_deactivate"),
    path("people/<int:pk>/reactivate/", people_views.person_reactivate, name="person_reactivate"),
    path("people/import/", people_views.staff_import_upload, name="import"),
    path("people/import/template.xlsx", people_views.staff_import_template, name="import_template"),
    path("people/import/<int:pk>/", people_views.staff_import_preview, name="import_preview"),
    path("history/", people_views.history, name="history"),
]
