"""The provider pages at /districts/<slug>/, under the URL namespace "districts" (District.get_absolute_url)."""

from django.urls import path

from . import views

app_name = "districts"
urlpatterns = [
    path("districts/<slug:slug>/", views.district_detail, name="detail"),
]
