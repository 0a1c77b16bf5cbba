"""/privacy/ (개인정보처리방침), outside the "accounts" namespace: every footer links it as {% url 'privacy' %}.
Included from portal/urls.py, which names it by string (the project imports no app)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.privacy, name="privacy"),
]
