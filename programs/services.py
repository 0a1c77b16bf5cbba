"""Writes to programs that go beyond one form save: drafts of published programs, publishing, confirming.

Each runs in one transaction, bumps the program's version (so a concurrent edit is refused) and leaves a
history record naming who did it (django-simple-history, via the request middleware or `by`)."""

import json

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from .models import LifeStage, Program
from .screener.cases import failing_cases


def _encode(program: Program, changes: dict) -> dict:
    encoded = {}
    for name, value in changes.items():
        field = Program._meta.get_field(name)
        encoded[field.attname] = value.pk if hasattr(value, "pk") else value
    return json.loads(json.dumps(encoded, cls=DjangoJSONEncoder))


def with_pending_changes(program: Program) -> Program:
    """The program as it will look once its pending changes are published (in memory; nothing saved)."""
    for attname, value in program.pending_changes.items():
        if attname == "stages":
            continue
        field = next(f for f in Program._meta.concrete_fields if f.attname == attname)
        setattr(program, attname, field.to_python(value))
    stage_pks = program.pending_changes.get("stages")
    if stage_pks is not None:
        program.stage_list = list(LifeStage.objects.filter(pk__in=stage_pks))
    elif program.pk:
        program.stage_list = list(program.stages.all())
    return program


@transaction.atomic
def program_save_draft(*, program: Program, changes: dict, stages=None, by=None) -> Program:
    """Keep edits of a published program aside: residents go on seeing the published version until it is
    published again. Draft edits accumulate."""
    locked = Program.objects.select_for_update().get(pk=program.pk)
    pending = dict(locked.pending_changes)
    pending.update(_encode(locked, changes))
    if stages is not None:
        pending["stages"] = sorted(s.pk for s in stages)
    locked.pending_changes = pending
    locked.version += 1
    locked.skip_history_when_saving = True  # the history records what residents saw, i.e. publications
    locked.save(update_fields=["pending_changes", "version", "updated_at"])
    del locked.skip_history_when_saving
    return locked


def publication_problems(program: Program) -> list[str]:
    """Why `program` may not be published, in words an officer can act on: every fact it shows needs a source and
    the sentence it rests on, and every rule test case of it must pass. Empty when it may be published."""
    problems = []
    for rule in program.rules.all():
        if not rule.is_sourced:
            problems.append(
                gettext("지원 조건 ‘%(rule)s’에 출처와 근거 문장이 없습니다.") % {"rule": rule.get_key_display()}
            )
    for amount in program.amounts.all():
        if not amount.is_sourced:
            problems.append(gettext("지원 금액 ‘%(amount)s’에 출처와 근거 문장이 없습니다.") % {"amount": amount})
    has_window = any(
        v is not None
        for v in (
            program.window_start,
            program.window_end,
            program.window_from_birth_days,
            program.window_until_birth_days,
        )
    )
    if has_window and not (program.window_source_id and program.window_quote.strip()):
        problems.append(gettext("신청 기간에 출처와 근거 문장이 없습니다."))
    confirmed = program.operating_status != Program.OperatingStatus.UNCONFIRMED
    if confirmed and not (program.status_source_id and program.status_quote.strip()):
        problems.append(
            gettext("운영 상태 ‘%(status)s’에 출처와 근거 문장이 없습니다. 모르면 ‘확인 필요’로 두세요.")
            % {"status": program.get_operating_status_display()}
        )
    problems += [result.describe() for result in failing_cases(program)]
    return problems


@transaction.atomic
def program_publish(*, program: Program, by=None) -> Program:
    """Publish the program with its pending changes; refused (ValidationError naming each problem) while a fact has
    no source or a rule test case fails."""
    locked = Program.objects.select_for_update().get(pk=program.pk)
    pending = dict(locked.pending_changes)
    stage_pks = pending.pop("stages", None)
    for attname, value in pending.items():
        field = next(f for f in Program._meta.concrete_fields if f.attname == attname)
        setattr(locked, attname, field.to_python(value))
    problems = publication_problems(locked)
    if problems:
        raise ValidationError(problems, code="unsourced")
    locked.pending_changes = {}
    locked.publication = Program.Publication.PUBLISHED
    locked.version += 1
    locked.full_clean(exclude=["stages"])
    if by is not None:
        locked._history_user = by
    locked.save()
    if stage_pks is not None:
        locked.stages.set(stage_pks)
    return locked


@transaction.atomic
def program_unpublish(*, program: Program, by=None) -> Program:
    locked = Program.objects.select_for_update().get(pk=program.pk)
    locked.publication = Program.Publication.DRAFT
    locked.version += 1
    if by is not None:
        locked._history_user = by
    locked.save(update_fields=["publication", "version", "updated_at"])
    return locked


@transaction.atomic
def program_verify(*, program: Program, by=None) -> Program:
    """An officer confirms the entry is still true today."""
    locked = Program.objects.select_for_update().get(pk=program.pk)
    locked.last_verified = timezone.localdate()
    locked.version += 1
    if by is not None:
        locked._history_user = by
    locked.save(update_fields=["last_verified", "version", "updated_at"])
    return locked
