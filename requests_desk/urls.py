from django.urls import path

from requests_desk import views

app_name = "requests_desk"
urlpatterns = [
    path("new/", views.report_new, name="new"),
    path("track/", views.status_lookup, name="lookup"),
    path("mine/", views.my_requests, name="mine"),
    path("t/<str:code>/", views.status, name="status"),
    path("t/<str:code>/rate/", views.rate, name="rate"),
    path("t/<str:code>/photo/<int:pk>/<str:name>", views.reporter_photo, name="reporter_photo"),
    path("support/<str:token>/", views.support, name="support"),
    path("queue/", views.queue, name="queue"),
    path("queue/dispatch/", views.bulk_dispatch, name="bulk_dispatch"),
    path("queue/export/", views.queue_export, name="queue_export"),
    path("enter/", views.staff_enter, name="enter"),
    path("case/<str:code>/", views.case, name="case"),
    path("case/<str:code>/reveal/", views.reveal, name="reveal"),
    path("case/<str:code>/sheet/", views.case_sheet, name="case_sheet"),
    path("case/<str:code>/act/<str:action>/", views.act, name="act"),
]
