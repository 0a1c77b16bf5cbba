from django.urls import path

from . import views

app_name = "screener"
urlpatterns = [
    path("", views.start, name="start"),
    path("results/", views.results, name="results"),
    path("plan/", views.plan, name="plan"),
    path("plan/calendar.ics", views.plan_ics, name="plan_ics"),
    path("clear/", views.clear, name="clear"),
    path("save/", views.save_to_profile, name="save"),
    path("load/", views.load_from_profile, name="load"),
    path("<slug:topic>/", views.step, name="step"),  # district, marriage, pregnancy, children, income, work
]
