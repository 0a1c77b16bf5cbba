"""Open-data pages in the visitor's language (/ Korean, /en/ English): the documentation and the Atom feeds."""

from django.urls import path

from . import feeds, views

app_name = "open_data"
urlpatterns = [
    path("open-data/", views.docs, name="docs"),
    path("feeds/programs.atom", feeds.catalogue_feed, name="feed"),
    path("feeds/stages/<slug:slug>.atom", feeds.stage_feed, name="stage_feed"),
    path("feeds/districts/<slug:slug>.atom", feeds.district_feed, name="district_feed"),
]
