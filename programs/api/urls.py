from django.urls import path, re_path

from . import views

app_name = "api"
urlpatterns = [
    path("", views.ApiRootView.as_view(), name="root"),
    path("programs/", views.ProgramListView.as_view(), name="program-list"),
    path("programs/<slug:slug>/", views.ProgramDetailView.as_view(), name="program-detail"),
    path("stages/", views.StageListView.as_view(), name="stage-list"),
    path("districts/", views.DistrictListView.as_view(), name="district-list"),
    path("openapi.json", views.SchemaView.as_view(), name="schema"),
    re_path(r"^(?P<rest>[\s\S]*)$", views.NotFoundView.as_view(), name="not-found"),  # JSON 404 for anything else
]
