import io

import pytest
from django.core.management import CommandError, call_command

from programs.models import Program


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
