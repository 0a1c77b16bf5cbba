"""Language-neutral open-data URLs (the files are Korean, with English inside): downloads, sitemap, robots.txt."""

from django.urls import path

from . import downloads, views

urlpatterns = [
    path("programs.csv", downloads.catalogue_csv, name="catalogue_csv"),
    path("programs.json", downloads.catalogue_json, name="catalogue_json"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
]
