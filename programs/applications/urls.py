from django.urls import path

from . import consent_views, views

# Included by programs/urls.py (namespace "programs"). Application URLs use the non-guessable public_id.
urlpatterns = [
    path("programs/<slug:slug>/apply/", views.apply_start, name="apply"),
    path("consent/<str:token>/", consent_views.proxy_consent, name="proxy_consent"),  # public: a family member's
    path("me/applications/", views.my_applications, name="my_applications"),
    path("me/applications/<uuid:public_id>/", views.application_detail, name="application"),
    path("me/applications/<uuid:public_id>/steps/<slug:step>/", views.apply_step, name="apply_step"),
    path("me/applications/<uuid:public_id>/submit/", views.apply_submit, name="apply_submit"),
    path("me/applications/<uuid:public_id>/print/", views.application_print, name="application_print"),
    path("me/applications/<uuid:public_id>/application.pdf", views.application_pdf, name="application_pdf"),
    path("me/applications/<uuid:public_id>/withdraw/", views.application_withdraw, name="application_withdraw"),
    path("me/applications/<uuid:public_id>/delete/", views.application_delete, name="application_delete"),
    path("me/applications/<uuid:public_id>/supplement/", views.application_supplement, name="application_supplement"),
    path(
        "me/applications/<uuid:public_id>/documents/<uuid:document_id>/",
        views.document_download,
        name="document_download",
    ),
    path(
        "me/applications/<uuid:public_id>/documents/<uuid:document_id>/delete/",
        views.document_remove,
        name="document_remove",
    ),
]
