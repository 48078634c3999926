from django.urls import path

from party_branches import views

app_name = "party_branches"
urlpatterns = [
    path("", views.BranchListView.as_view(), name="list"),
    path("<int:pk>/", views.BranchDetailView.as_view(), name="detail"),
    path("coverage/", views.CoverageView.as_view(), name="coverage"),
    path("compliance/", views.ComplianceView.as_view(), name="compliance"),
    path("members/", views.MemberListView.as_view(), name="members"),
    path("members/<int:pk>/", views.MemberDetailView.as_view(), name="member"),
    path("members/import/", views.MemberImportView.as_view(), name="import"),
    path(
        "members/import/template.xlsx",
        views.MemberImportTemplateView.as_view(),
        name="import_template",
    ),
    path(
        "members/import/<int:pk>/", views.MemberImportPreviewView.as_view(), name="import_preview"
    ),
]
