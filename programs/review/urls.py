from django.urls import path

from . import figures_views, views
from .queue import export as queue_export
from .queue import views as queue_views

# Included by programs/urls.py (namespace "programs"). Staff only: every view fetches through
# districts.access.applications_reviewable_by(request.user).
urlpatterns = [
    path("staff/applications/", queue_views.queue, name="review_queue"),
    path("staff/applications/bulk/", queue_views.bulk, name="review_bulk"),
    path("staff/applications/export/", queue_export.export, name="review_queue_csv"),
    path("staff/applications/<uuid:public_id>/", views.review, name="review"),
    path("staff/applications/<uuid:public_id>/print/", views.review_print, name="review_print"),
    path("staff/applications/<uuid:public_id>/application.pdf", views.review_pdf, name="review_pdf"),
    path("staff/applications/<uuid:public_id>/take/", views.take, name="review_take"),
    path("staff/applications/<uuid:public_id>/release/", views.release, name="review_release"),
    path("staff/applications/<uuid:public_id>/decide/", views.decide, name="review_decide"),
    path("staff/applications/<uuid:public_id>/note/", views.note, name="review_note"),
    path(
        "staff/applications/<uuid:public_id>/documents/<uuid:document_id>/",
        views.document,
        name="review_document",
    ),
    path("staff/stats/", figures_views.staff_stats, name="staff_stats"),
]
