from django.urls import path

from . import views

app_name = "districts"
urlpatterns = [
    path("districts/<slug:slug>/", views.district_detail, name="detail"),
]
