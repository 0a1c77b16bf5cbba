"""/me/plan/...: the resident's saved plan (included from portal/urls.py inside i18n_patterns; namespace "plan")."""

from django.urls import path

from . import views

app_name = "plan"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("reminders/", views.reminder_settings, name="settings"),
    path("reminders/<slug:slug>/", views.program_reminders, name="program_reminders"),
    path("calendar.ics", views.plan_ics, name="ics"),
    path("calendar/new/", views.feed_new, name="feed_new"),
    path("calendar/off/", views.feed_off, name="feed_off"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),  # public: the private token is the key
]
