"""What a resident must have done before applying: a verified email and the required consent."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from portal.accounts.consent import consent_missing
from portal.accounts.services import email_verified


def resident_gate(request):
    """None when the resident may apply; otherwise the redirect to what is missing (then back here)."""
    here = request.get_full_path()
    if not email_verified(request.user):
        return redirect(f"{reverse('accounts:verify_needed')}?{urlencode({'next': here})}")
    if consent_missing(request.user):
        return redirect(f"{reverse('accounts:consent')}?{urlencode({'next': here})}")
    return None
