"""generate_applications: synthetic applications for the queue benchmark, spread like real ones, marked so that
--delete removes them (and nothing else), never breaking the one-open-application-per-program rule."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from portal.models import User
from programs.models import AccessRecord, Application, ApplicationEvent, Document, Program
from tests import factories

S = Application.Status


def generate(*args) -> str:
    out = StringIO()
    call_command("generate_applications", *args, stdout=out)
    return out.getvalue()


def test_generates_a_realistic_mix_over_online_programs(catalogue):
    output = generate("600", "--seed", "3")
    assert "added 600 synthetic applications" in output
    made = Application.objects.filter(applicant__email__endswith="@generated.invalid")
    assert made.count() == 600
    online = set(Program.objects.published().filter(apply_online=True).values_list("pk", flat=True))
    assert set(made.values_list("program_id", flat=True)) <= online
    for application in made.select_related("program")[:50]:
        assert application.district_id == application.program.provider_id
        assert application.submitted_at and application.snapshot["applicant"]["name"]
    statuses = Counter(made.values_list("status", flat=True))
    decided = statuses[S.APPROVED] + statuses[S.REJECTED]
    assert decided > 400 and 30 < statuses[S.SUBMITTED] < 100 and statuses[S.IN_REVIEW] > 10
    assert statuses[S.SUPPLEMENT_REQUESTED] > 5 and statuses[S.WITHDRAWN] > 10 and statuses[S.DRAFT] == 0
    assert made.filter(status__in=Application.DECIDED, decided_at__isnull=True).count() == 0
    references = list(made.values_list("reference", flat=True))
    assert len(set(references)) == 600 and all(r.startswith("GJ-SYN-") and len(r) <= 20 for r in references)
    # At most one open application per applicant and program (the database's own constraint holds).
    per_pair = made.filter(status__in=Application.ACTIVE).values("applicant", "program").annotate(n=Count("id"))
    assert max(row["n"] for row in per_pair) == 1
    users = User.objects.filter(email__endswith="@generated.invalid")
    assert users.count() >= 2000 and not any(u.has_usable_password() for u in users[:20])
    assert not ApplicationEvent.objects.exists() and not Document.objects.exists()


def test_the_same_seed_gives_the_same_data_and_a_second_run_adds_more(catalogue):
    generate("50", "--seed", "7")
    first = list(Application.objects.order_by("reference").values_list("status", "program_id"))
    generate("--delete")
    generate("50", "--seed", "7")
    assert list(Application.objects.order_by("reference").values_list("status", "program_id")) == first
    generate("30", "--seed", "8")
    references = sorted(Application.objects.values_list("reference", flat=True))
    assert len(references) == 80 and references[-1] == "GJ-SYN-00000080"


def test_delete_removes_only_synthetic_rows_and_keeps_what_the_access_log_names(catalogue, rf):
    resident = factories.resident()
    real = Application.objects.create(
        applicant=resident, program=Program.objects.get(slug="seo-gu-postpartum-care-allowance"), status=S.SUBMITTED
    )
    generate("40", "--seed", "2")
    logged = Application.objects.filter(applicant__email__endswith="@generated.invalid").first()
    AccessRecord.objects.create(user=resident, action=AccessRecord.Action.VIEW, application=logged)
    output = generate("--delete")
    assert "deleted 39 synthetic applications" in output and "kept 1" in output
    assert set(Application.objects.all()) == {real, logged}
    assert User.objects.filter(email__endswith="@generated.invalid").count() == 1  # the logged one's applicant
    assert User.objects.filter(pk=resident.pk).exists()


def test_needs_a_count_and_programs(db):
    with pytest.raises(CommandError):
        generate()
    with pytest.raises(CommandError, match="seed"):
        generate("10")
