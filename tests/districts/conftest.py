import pytest
from django.contrib.auth import get_user_model

from districts.models import Assignment, District, Role
from districts.services import assignment_grant


def make_officer(slug, email=None):
    user = get_user_model().objects.create_user(email=email or f"officer.{slug}@test.local", password="pw-officer-2026")
    assignment_grant(user=user, role=Role.OFFICER, district=District.objects.get(slug=slug), via=Assignment.Via.SEED)
    return user


@pytest.fixture
def officers(catalogue):
    return {slug: make_officer(slug) for slug in ["seo-gu", "dong-gu", "gwangju"]}


@pytest.fixture
def resident(db):
    return get_user_model().objects.create_user(email="resident@test.local", password="pw-resident-2026")
