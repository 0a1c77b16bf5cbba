"""Resident accounts: sign-up with email verification, login (with django-axes lockout), logout, password change
and reset, the profile (/me/), consent and account deletion. Views are thin; the work is in services.py.

For other code:
    services.email_verified(user)            has the resident confirmed their email?
    services.require_verified_email(view)    decorator: unverified residents go to "please verify your email"
    consent.consent_missing(user)            must the resident see accounts:consent before applying?
    notifications.notification_send(...)     tell a resident something (on the site, and by mail after commit)
"""
