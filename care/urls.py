from django.urls import path

from care import views

app_name = "care"
urlpatterns = [
    path("", views.household_list, name="home"),
    path("unpaired/", views.unpaired_list, name="unpaired"),
    path("export/", views.resident_export_list, name="export"),
    path("households/new/", views.household_new, name="household_new"),
    path("households/<int:pk>/", views.household_detail, name="household"),
    path("households/<int:pk>/residents/new/", views.resident_new, name="resident_new"),
    path("households/<int:pk>/reveal/", views.household_reveal, name="household_reveal"),
    path("households/<int:pk>/visit/", views.visit_create, name="visit_new"),
    path("households/<int:pk>/pair/", views.pairing_create, name="pairing_new"),
    path("households/<int:pk>/print/", views.household_print, name="household_print"),
    path("pairings/<int:pk>/end/", views.pairing_end, name="pairing_end"),
    path("residents/<int:pk>/", views.resident_detail, name="resident"),
    path("residents/<int:pk>/reveal/", views.resident_reveal, name="resident_reveal"),
    path("residents/<int:pk>/correct/", views.resident_correct, name="resident_correct"),
    path("residents/<int:pk>/export/", views.resident_export, name="resident_export"),
    path("residents/<int:pk>/anonymise/", views.resident_anonymise, name="resident_anonymise"),
    path("residents/<int:pk>/refer/", views.referral_create, name="referral_new"),
    path("needs/<int:pk>/to-request/", views.need_request, name="need_to_request"),
    path("referrals/<int:pk>/advance/", views.referral_advance, name="referral_advance"),
]
