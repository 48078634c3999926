from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("generate/", views.run_start, name="run-start"),
    path("runs/<int:pk>/", views.run_progress, name="run-progress"),
    path("subscription/", views.subscription, name="subscription"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/report.xlsx", views.download_xlsx, name="xlsx"),
    path("<int:pk>/report.pdf", views.download_pdf, name="pdf"),
]
