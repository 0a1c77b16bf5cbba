"""Reminders before each application window (issue 17, part 2): `manage.py send_plan_reminders`, run daily, calls
reminders_send().

- Who: active accounts with a confirmed address whose latest answer to the optional consent "새 지원 사업 소식 메일
  받기" (news_mail, whose purpose names "신청 일정") grants the current text, and who keep a household on their
  account. Withdrawn or outdated consent, or no household: nothing.
- What: for every dated application window in their plan (a sourced window: the planner's birth windows and the
  programs' own), one reminder when it opens (or within OPEN_GRACE_DAYS after, should a run be missed) and one in
  the last N days before it closes (N = 14, 7 or 3, their setting; 7 until they choose). Programs whose reminders
  they turned off are skipped. Age bounds are not application windows: they are in the plan and the calendar file,
  not mailed.
- Exactly once: each reminder is a PlanReminder row (user, program, kind, the window's date) under a unique
  constraint, inserted before the mail is queued, in the same transaction. A second worker inserting the same row
  waits for the first one's transaction on the unique index (PostgreSQL) and then fails on the conflict, so it sends
  nothing; a rerun finds the row. The mail leaves through the task queue after the commit (portal/mail.py).
- The mail: in the language the resident last used their plan in, one per resident per run, each program with what,
  until when, where and the source of the date, and the link to their plan.
"""

import datetime
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.mail import email_on_commit
from portal.templatetags.portal import kdate
from programs.models import PlanMute, PlanReminder, PlanState
from programs.news import news_subscribers
from programs.screener.answers import Answers

from .selectors import Entry, plan_entries, where_of

OPEN_GRACE_DAYS = 6  # a window opened within the last week is still news; older than that, the plan says it
DEFAULT_DAYS = PlanState.Days.SEVEN


@dataclass(frozen=True)
class Due:
    entry: Entry
    kind: str  # PlanReminder.Kind
    for_date: datetime.date  # the day the window opens or closes

    @property
    def key(self) -> tuple[int, str, datetime.date]:
        return (self.entry.program.pk, self.kind, self.for_date)


@dataclass
class ReminderReport:
    residents: int = 0  # looked at
    sent: list[tuple[str, int]] = field(default_factory=list)  # (the account's id as text, reminders) per mail
    already: int = 0  # due, but sent before (a rerun, or another worker)

    @property
    def reminders(self) -> int:
        return sum(n for _user, n in self.sent)


def reminders_due(entries: list[Entry], *, today: datetime.date, days: int, muted: set[int]) -> list[Due]:
    """The reminders the plan calls for today, each once (two births with one window date give one)."""
    found: dict[tuple, Due] = {}
    for e in entries:
        if e.day is None or e.program.pk in muted:
            continue
        if e.kind == "window_start":
            still_open = e.until is None or today <= e.until
            if e.day <= today <= e.day + datetime.timedelta(days=OPEN_GRACE_DAYS) and still_open:
                due = Due(e, PlanReminder.Kind.OPENS, e.day)
                found.setdefault(due.key, due)
        elif e.kind == "window_end" and e.day - datetime.timedelta(days=days) <= today <= e.day:
            due = Due(e, PlanReminder.Kind.CLOSES, e.day)
            found.setdefault(due.key, due)
    return sorted(found.values(), key=lambda d: (d.for_date, d.entry.program.title, d.kind))


def reminder_recipients():
    return news_subscribers().exclude(household={}).select_related("plan_state")


def _claim(user: User, due: Due, now) -> bool:
    """Insert the reminder's row; False if it is there already (sent before, or by another worker just now)."""
    try:
        with transaction.atomic():  # a savepoint: the conflict leaves the resident's transaction usable
            PlanReminder.objects.create(
                user=user, program=due.entry.program, kind=due.kind, for_date=due.for_date, sent_at=now
            )
    except IntegrityError:
        return False
    return True


def reminders_send(*, today: datetime.date | None = None, now=None) -> ReminderReport:
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    report = ReminderReport()
    context = SimpleNamespace()  # one catalogue revision for the whole run
    muted: dict[int, set[int]] = {}
    for user_id, program_id in PlanMute.objects.values_list("user_id", "program_id"):
        muted.setdefault(user_id, set()).add(program_id)
    for user in reminder_recipients():
        answers = Answers.from_dict(user.household)
        if answers.is_empty:
            continue
        report.residents += 1
        state = getattr(user, "plan_state", None)
        days = state.reminder_days if state else DEFAULT_DAYS
        language = state.language if state and state.language in dict(settings.LANGUAGES) else "ko"
        entries = plan_entries(answers, today=today, context=context)
        due = reminders_due(entries, today=today, days=days, muted=muted.get(user.pk, set()))
        if not due:
            continue
        with transaction.atomic():
            claimed = [d for d in due if _claim(user, d, now)]
            report.already += len(due) - len(claimed)
            if claimed:
                subject, body = reminder_mail(claimed, today=today, language=language)
                email_on_commit(to=user.email, subject=subject, body=body)
                report.sent.append((str(user.pk), len(claimed)))
    return report


def reminder_mail(due: list[Due], *, today: datetime.date, language: str) -> tuple[str, str]:
    """Subject and plain-text body: what, until when, where, on what basis, and the link to the plan."""
    site = settings.SITE_URL
    with translation.override(language):
        first = due[0].entry.program.tr.title
        if len(due) == 1:
            subject = _("[맘편한 광주] 신청 일정 알림: %(title)s") % {"title": first}
        else:
            subject = _("[맘편한 광주] 신청 일정 알림: %(title)s 외 %(n)d건") % {"title": first, "n": len(due) - 1}
        lines = [_("내 신청 일정에 있는 사업의 신청 기간을 알려 드립니다."), ""]
        for d in due:
            e, program = d.entry, d.entry.program
            lines.append(f"■ {program.tr.title} ({program.provider.tr.name})")
            if d.kind == PlanReminder.Kind.OPENS:
                lines.append("  " + _("신청이 시작되었어요: %(day)s") % {"day": kdate(d.for_date)})
                if e.until:
                    lines.append("  " + _("신청 마감: %(day)s") % {"day": kdate(e.until)})
            else:
                left = (d.for_date - today).days
                lines.append(
                    "  " + _("신청 마감: %(day)s (%(n)d일 남음)") % {"day": kdate(d.for_date), "n": left}
                    if left
                    else "  " + _("신청 마감: %(day)s (오늘까지)") % {"day": kdate(d.for_date)}
                )
            if e.label:
                lines.append(f"  {e.label}")
            for where in where_of(program):
                target = (
                    where.url if "://" in where.url else (f"{site}{where.url}" if where.url.startswith("/") else "")
                )
                lines.append(
                    "  " + _("신청하는 곳: %(where)s") % {"where": where.text} + (f" {target}" if target else "")
                )
            if e.source is not None:
                lines.append(
                    "  "
                    + _("날짜의 근거: %(issuer)s, %(title)s") % {"issuer": e.source.issuer, "title": e.source.title}
                )
            lines.append(f"  {site}{program.get_absolute_url()}")
            lines.append("")
        lines.append(_("내 신청 일정: %(url)s") % {"url": f"{site}{reverse('plan:mine')}"})
        lines.append(
            _(
                "‘새 지원 사업 소식 메일 받기’에 동의하셔서 보내 드립니다. 사업별로 알림을 끄거나 며칠 전에 받을지는 "
                "내 신청 일정에서, 메일을 그만 받으려면 내 정보에서 동의를 철회해 주세요: %(url)s"
            )
            % {"url": f"{site}{reverse('accounts:profile')}#consents"}
        )
    return subject, "\n".join(lines)
