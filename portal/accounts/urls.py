"""/accounts/... (sign-up, login, logout, verification, passwords, session) and /me/... (profile, consent,
deletion). Included from portal/urls.py inside i18n_patterns, without a prefix; namespace "accounts"."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/signup/sent/", views.signup_sent, name="signup_sent"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("accounts/verify/", views.verify_needed, name="verify_needed"),
    path("accounts/verify/resend/", views.verify_resend, name="verify_resend"),
    path("accounts/verify/<str:token>/", views.verify, name="verify"),
    path("accounts/session/extend/", views.session_extend, name="session_extend"),
    path("accounts/second-factor/", views.second_factor, name="second_factor"),  # staff, before /admin/ and /staff/
    path("accounts/second-factor/enrol/<str:token>/", views.second_factor_enrol, name="second_factor_enrol"),
    path("accounts/password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/change/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/password/reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("accounts/deleted/", views.deleted, name="deleted"),
    path("me/", views.profile, name="profile"),
    path("me/household/clear/", views.household_clear, name="household_clear"),
    path("me/consent/", views.consent, name="consent"),
    path("me/consent/change/", views.consent_change, name="consent_change"),
    path("me/delete/", views.delete, name="delete"),
]
