import io

import pytest
from django.core.management import CommandError, call_command

from programs.models import Application, ApplicationForm, Program
from tests import factories


@pytest.mark.django_db
def test_generate_programs_adds_marked_synthetic_programs_and_deletes_them(catalogue):
    seeded = Program.objects.count()
    call_command("generate_programs", "120", "--seed", "3", stdout=io.StringIO())
    synthetic = Program.objects.filter(is_synthetic=True)
    assert synthetic.count() == 120 and Program.objects.count() == seeded + 120
    assert all(p.stages.exists() for p in synthetic[:20])
    call_command("generate_programs", "5", stdout=io.StringIO())  # a second run continues the numbering
    assert Program.objects.filter(is_synthetic=True).count() == 125
    call_command("generate_programs", "--delete", stdout=io.StringIO())
    assert Program.objects.count() == seeded and not Program.objects.filter(is_synthetic=True).exists()


@pytest.mark.django_db
def test_generate_programs_needs_the_seed_catalogue():
    with pytest.raises(CommandError):
        call_command("generate_programs", "10", stdout=io.StringIO())


@pytest.mark.django_db
def test_synthetic_programs_taking_online_applications_get_a_form_and_delete_refuses_while_applied_to():
    factories.stage(), factories.district()  # what generate_programs spreads programs over
    call_command("generate_programs", "60", "--seed", "4", stdout=io.StringIO())
    synthetic = Program.objects.filter(is_synthetic=True)
    online = synthetic.filter(apply_online=True)
    assert 5 < online.count() < 40
    forms = ApplicationForm.objects.filter(program__is_synthetic=True)
    assert set(forms.values_list("program_id", flat=True)) == set(online.values_list("pk", flat=True))
    form = forms.first()
    assert [(q.key, q.kind, q.required) for q in form.questions.all()] == [
        ("reason", "text", True),
        ("resident", "yes_no", True),
    ]
    assert [(d.name, d.required) for d in form.documents.all()] == [("주민등록등본", True)]
    Application.objects.create(applicant=factories.resident(), program=online.first())
    with pytest.raises(CommandError, match=r"synthetic programs have applications \(1\)"):
        call_command("generate_programs", "--delete", stdout=io.StringIO())
    assert synthetic.count() == 60  # nothing deleted
