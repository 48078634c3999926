from django.urls import path

app_name = "party_branches"
urlpatterns = []
