"""The spreadsheet import pages (grids.sheet_views), mounted at /imports/."""

from django.urls import path

from grids import sheet_views

app_name = "imports"
urlpatterns = [
    path("", sheet_views.sheet_imports, name="list"),
    path("<slug:kind_name>/", sheet_views.SheetImportView.as_view(), name="sheet"),
    path("<slug:kind_name>/template.xlsx", sheet_views.sheet_template, name="template"),
]
