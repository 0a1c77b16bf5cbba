import pytest

from programs.models import Program
from tests import factories


@pytest.mark.django_db
def test_an_administrator_lists_and_edits_programs_in_the_admin(admin_client, catalogue):
    listing = admin_client.get("/admin/programs/program/?publication__exact=draft")
    assert listing.status_code == 200
    assert "과제명 확인 필요" in listing.content.decode()
    program = Program.objects.get(slug="birth-childrearing-allowance")
    change = admin_client.get(f"/admin/programs/program/{program.pk}/change/")
    assert change.status_code == 200 and "출생육아수당" in change.content.decode()


@pytest.mark.django_db
def test_a_resident_without_staff_rights_cannot_open_the_admin(client, django_user_model, catalogue):
    user = django_user_model.objects.create_user(email="resident@example.com", password="x-long-password-1")
    factories.staff_login(client, user)
    response = client.get("/admin/programs/program/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
