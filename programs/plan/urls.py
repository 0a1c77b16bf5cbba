"""/me/plan/...: the resident's saved plan (included from portal/urls.py inside i18n_patterns; namespace "plan")."""

from django.urls import path

from . import views

app_name = "plan"
urlpatterns = [
    path("", views.mine, name="mine"),
]
