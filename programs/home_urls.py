"""The first page, at the site's root under the un-namespaced name "home" (templates and settings name it so)."""

from django.urls import path

from . import views

urlpatterns = [path("", views.home, name="home")]
