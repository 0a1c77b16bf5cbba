from django.urls import include, path

from . import views
from .open_data import stats_views

app_name = "programs"
urlpatterns = [
    path("programs/", views.program_list, name="list"),
    path("programs/<slug:slug>/", views.program_detail, name="detail"),
    path("stages/<slug:slug>/", views.stage_detail, name="stage"),
    path("staff/", views.staff_dashboard, name="staff"),
    path("staff/programs/<int:pk>/preview/", views.program_preview, name="preview"),
    path("staff/programs/<int:pk>/confirm/", views.program_confirm, name="confirm"),
    path("", include("programs.applications.urls")),
    path("", include("programs.review.urls")),
    path("stats/", stats_views.stats, name="stats"),  # public figures (aggregated, small counts hidden)
]
