from django.urls import path

from . import views

app_name = "locker"

urlpatterns = [
    path("", views.locker, name="list"),
    path("<uuid:public_id>/", views.download, name="download"),
    path("<uuid:public_id>/delete/", views.delete, name="delete"),
]
