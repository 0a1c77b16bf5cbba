"""Each program's retention period (how long decided applications are kept) is its office's to set in the admin."""

import pytest
from django.test import Client

from programs.models import Program
from tests import factories

from .conftest import make_officer
from .test_officer_access import change_form_data


@pytest.mark.django_db
def test_an_officer_sets_the_retention_period_of_their_program_by_the_field():
    program = factories.program(provider=factories.district())  # 서구's, without the seed catalogue
    client = Client()
    factories.staff_login(client, make_officer("seo-gu"))
    assert program.retention_years == 5  # the office's default until the officer sets it
    url = f"/admin/programs/program/{program.pk}/change/"
    data = change_form_data(client, program)
    assert data["retention_years"] == 5
    data.update(retention_years="0", _continue="1")
    refused = client.post(url, data)
    assert refused.status_code == 200 and "retention_years" in refused.context["adminform"].form.errors
    data.update(retention_years="10", expected_version=Program.objects.get(pk=program.pk).version)
    assert client.post(url, data).status_code == 302
    program.refresh_from_db()
    assert program.retention_years == 10
    assert program.history.first().retention_years == 10  # a recorded change like any other
