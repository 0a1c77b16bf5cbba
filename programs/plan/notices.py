"""Rule-change notices (issue 17, part 3): when an officer publishes a change to a program (an amount, a condition,
its application window, its operating status), the residents whose plan holds it are told on the site and, with the
optional mail consent, by mail — what changed, from when, the source.

- Where: the admin's save of a program (programs/admin.py) takes program_facts() before it writes and calls
  program_change_record() after the save, its inlines and its publication are written (ProgramAdmin.log_change, the
  one point both the change form and the history's restore pass). A save that changed no fact residents rely on,
  or of a program not published before and after, records nothing. The fan-out runs as a task after the commit, so
  the officer's save stays fast and a save that is rolled back tells nobody.
- Who: residents with a saved household whose plan (programs/plan/selectors.plan_entries, recomputed now, one
  pass) holds the program, or held it at their last look (PlanState.seen: a change that takes the program out of
  their plan — closed, a condition tightened — is exactly what they must hear of).
- Exactly once: a PlanChangeNotice (user, change) under a unique constraint, inserted before the notification and
  the mail are made, in the same transaction; a rerun of the task, or a second worker, meets the row and tells
  nobody twice. A second save of the same facts changes nothing, so records no change.
- How: a notification (/me/notifications/) for everyone told; a mail too for those whose latest news_mail answer
  grants the current text and whose address is confirmed (the reminders' rule: programs.news.news_subscribers), in
  the language they last read their plan in.
"""

import datetime
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.conf import settings
from django.db import IntegrityError, transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.accounts.notifications import notification_send
from portal.mail import email_on_commit
from programs.models import PlanChangeNotice, PlanState, Program, ProgramChange
from programs.news import news_subscribers
from programs.screener.answers import Answers

from .changes import Line, change_headline, change_lines, fact_differences, program_facts
from .selectors import plan_entries

RECENT = 5  # notices the plan page shows


def program_change_record(*, program_id: int, before: dict, by=None, now=None) -> ProgramChange | None:
    """Record the change between `before` (program_facts taken before the save wrote anything) and the program as
    it is now, and tell the residents after the commit. None when nothing residents rely on changed, or the program
    was not published before and after (a first publication is news, not a change: programs/news.py)."""
    after = program_facts(program_id)
    if not (before.get("published") and after.get("published")) or not fact_differences(before, after):
        return None
    history_id = after.get("history_id")
    change = ProgramChange.objects.create(
        program_id=program_id,
        history_id=history_id if history_id != before.get("history_id") else None,
        at=now or timezone.now(),
        by=by,
        before=before,
        after=after,
    )
    transaction.on_commit(lambda: change_notices_task.enqueue(change_id=change.pk))
    return change


@task
def change_notices_task(*, change_id: int) -> None:
    change = ProgramChange.objects.select_related("program__provider").filter(pk=change_id).first()
    if change is not None:  # gone with its program: nobody to tell about it
        change_notices_send(change=change)


@dataclass
class NoticeReport:
    told: list[str] = field(default_factory=list)  # account ids (as text) told now
    mailed: int = 0
    already: int = 0  # in the plan, but told before (a rerun, another worker)


def _held_at_last_look(program_id: int) -> set[int]:
    """Accounts whose plan held the program when they last looked (the fingerprints part 1 keeps)."""
    held = set()
    for user_id, seen in PlanState.objects.exclude(seen=[]).values_list("user_id", "seen"):
        if any(isinstance(fp, dict) and fp.get("p") == program_id for fp in seen or []):
            held.add(user_id)
    return held


def plan_holders():
    """Active accounts that keep a household (the plan exists only for them)."""
    return User.objects.filter(is_active=True).exclude(household={}).select_related("plan_state").order_by("pk")


def change_notices_send(*, change: ProgramChange, now=None) -> NoticeReport:
    """Tell every resident whose plan holds the changed program, each once.

    One pass over the residents with a saved household, their plans computed against one catalogue revision. They
    are few today; with many, the task would split them into batches of account ids (a task per batch, each its own
    run of this loop), the unique constraint keeping each notice once whichever batch or worker gets there first."""
    now = now or timezone.now()
    report = NoticeReport()
    program = change.program
    if not Program.objects.published().filter(pk=program.pk).exists():
        return report  # unpublished since: it is in nobody's plan
    today = timezone.localdate(now)
    context = SimpleNamespace()
    consenting = set(news_subscribers().values_list("pk", flat=True))
    held = _held_at_last_look(program.pk)
    for user in plan_holders():
        answers = Answers.from_dict(user.household)
        if answers.is_empty:
            continue
        if user.pk not in held and all(
            e.program.pk != program.pk for e in plan_entries(answers, today=today, context=context)
        ):
            continue
        state = getattr(user, "plan_state", None)
        language = state.language if state and state.language in dict(settings.LANGUAGES) else "ko"
        mail = user.pk in consenting
        with transaction.atomic():
            try:
                with transaction.atomic():  # a savepoint: the conflict leaves this transaction usable
                    PlanChangeNotice.objects.create(user=user, change=change, mailed=mail, at=now)
            except IntegrityError:
                report.already += 1
                continue
            title, body, url = notice_text(change, language=language)
            notification_send(user=user, title=title, body=body, url=url, email=False)
            if mail:
                subject, text = notice_mail(title, body, url, language)
                email_on_commit(to=user.email, subject=subject, body=text)
                report.mailed += 1
        report.told.append(str(user.pk))
    ProgramChange.objects.filter(pk=change.pk).update(told_at=now)
    return report


def lines_of(change: ProgramChange) -> list[Line]:
    return change_lines(
        change.program, change.before, change.after, published_on=timezone.localdate(change.at)
    )  # fmt: skip


def notice_text(change: ProgramChange, *, language: str) -> tuple[str, str, str]:
    """The notification's title, body and link, in `language`: the headline, one line per change with from when and
    the source, and the plan."""
    with translation.override(language):
        lines = lines_of(change)
        title = change_headline(change.program, lines)
        body = [_("내 신청 일정에 있는 사업의 내용이 바뀌었어요."), ""]
        for line in lines:
            body += [f"■ {line.label}: {line.before} → {line.after}", f"  {line.since_text}", f"  {line.source_text}"]
        body += ["", _("사업 안내: %(url)s") % {"url": f"{settings.SITE_URL}{change.program.get_absolute_url()}"}]
        return title, "\n".join(body), reverse("plan:mine")


def notice_mail(title: str, body: str, url: str, language: str) -> tuple[str, str]:
    """The mail's subject and text: the notification's, with the link to the plan and how to stop."""
    with translation.override(language):
        subject = _("[맘편한 광주] %(title)s") % {"title": title}
        footer = _(
            "‘새 지원 사업 소식 메일 받기’에 동의하셔서 보내 드립니다. 메일을 그만 받으려면 내 정보에서 동의를 "
            "철회해 주세요: %(url)s"
        ) % {"url": f"{settings.SITE_URL}{reverse('accounts:profile')}#consents"}
        plan = _("내 신청 일정: %(url)s") % {"url": f"{settings.SITE_URL}{url}"}
    return subject, f"{body}\n{plan}\n\n{footer}"


@dataclass(frozen=True)
class Notice:
    """A notice as the plan page shows it, in the active language."""

    program: Program
    at: datetime.datetime
    headline: str
    lines: list[Line]


def plan_notices(user, program_ids: set[int], *, limit: int = RECENT) -> list[Notice]:
    """The resident's latest notices about programs in their plan now: one query, whatever their number."""
    if not program_ids:
        return []
    notices = (
        PlanChangeNotice.objects.filter(user=user, change__program_id__in=program_ids)
        .select_related("change__program__provider")
        .order_by("-change__at", "-pk")[:limit]
    )
    found = []
    for notice in notices:
        lines = lines_of(notice.change)
        found.append(Notice(notice.change.program, notice.change.at, change_headline(notice.change.program, lines),
                            lines))  # fmt: skip
    return found
