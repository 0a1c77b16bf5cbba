"""The news mail: residents who gave the optional consent "새 지원 사업 소식 메일 받기"
(portal/accounts/consent.py, news_mail) hear of each new program they may use, once, by e-mail.
`manage.py send_news_mail`, run daily, calls news_send().

- New: published and visible today (Program.objects.published(): publish_on has come), not synthetic, and never
  announced (NewsAnnouncement). The first run sends nothing: it records the programs already there as a baseline,
  so a site that starts sending does not mail its whole catalogue as news.
- Who: active accounts with a confirmed address whose latest answer to news_mail grants it at the current version
  of the text (withdrawn or outdated consent: nothing).
- What: one mail each, in Korean (as the status mails), listing the new programs they may use: the city's and
  their own district's (every district's when they gave none: the consent collects the district for this), each
  with its summary, application period (the consent promises "신청 일정") and link, and how to stop. A resident
  none of the new programs concerns gets no mail.
- Each program is announced once, whoever received it; the mails leave through the task queue after the commit.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.accounts.consent import NEWS_MAIL
from portal.accounts.consent import VERSION as CONSENT_VERSION
from portal.accounts.models import Consent, User
from portal.mail import email_on_commit

from .models import NewsAnnouncement, Program
from .presentation import window_text


@dataclass
class NewsReport:
    baseline: bool = False
    programs: list[Program] = field(default_factory=list)  # announced by this run
    mails: int = 0


def news_subscribers():
    """Accounts whose latest news_mail answer grants the current version, with a confirmed address."""
    latest = Consent.objects.filter(user=OuterRef("pk"), item=NEWS_MAIL).order_by("-at", "-pk")
    return (
        User.objects.filter(is_active=True, email_verified_at__isnull=False)
        .annotate(
            news_granted=Subquery(latest.values("granted")[:1]), news_version=Subquery(latest.values("version")[:1])
        )
        .filter(news_granted=True, news_version=CONSENT_VERSION)
        .select_related("district")
        .order_by("pk")
    )


def news_unannounced(today=None):
    return (
        Program.objects.published(today)
        .filter(is_synthetic=False, announcement__isnull=True)
        .select_related("provider")
        .order_by("provider__sort_order", "title", "pk")
    )


def _concerns(program: Program, district) -> bool:
    return district is None or not program.provider.is_borough or program.provider_id == district.pk


@transaction.atomic
def news_send(*, dry_run: bool = False, now=None) -> NewsReport:
    now = now or timezone.now()
    report = NewsReport()
    # Two runs at once: the second one's announcements break the one-per-program constraint, so its transaction
    # rolls back and its mails, queued for after the commit, never leave.
    fresh = list(news_unannounced(timezone.localdate(now)))
    if not NewsAnnouncement.objects.exists():  # the first run: what is here now is not news
        report.baseline, report.programs = True, fresh
        if not dry_run:
            NewsAnnouncement.objects.bulk_create(NewsAnnouncement(program=p, at=now, baseline=True) for p in fresh)
        return report
    report.programs = fresh
    if not fresh:
        return report
    received = dict.fromkeys((p.pk for p in fresh), 0)
    for user in news_subscribers():
        theirs = [p for p in fresh if _concerns(p, user.district)]
        if not theirs:
            continue
        report.mails += 1
        for program in theirs:
            received[program.pk] += 1
        if not dry_run:
            subject, body = news_mail(theirs)
            email_on_commit(to=user.email, subject=subject, body=body)
    if not dry_run:
        announced = [NewsAnnouncement(program=p, at=now, recipients=received[p.pk]) for p in fresh]
        NewsAnnouncement.objects.bulk_create(announced)
    return report


def news_mail(programs: list[Program]) -> tuple[str, str]:
    """Subject and plain-text body of one resident's news mail."""
    site = settings.SITE_URL
    with translation.override("ko"):
        subject = _("[맘편한 광주] 새 지원 사업 %(n)d건") % {"n": len(programs)}
        lines = [_("맘편한 광주에 새 지원 사업이 올라왔습니다."), ""]
        for program in programs:
            lines.append(f"■ {program.title} ({program.provider.name})")
            if program.summary:
                lines.append(f"  {program.summary}")
            if window := window_text(program) or program.window_note:  # the consent promises the schedule too
                lines.append("  " + _("신청 기간: %(window)s") % {"window": window})
            lines.append(f"  {site}{program.get_absolute_url()}")
            lines.append("")
        lines.append(
            _(
                "'새 지원 사업 소식 메일 받기'에 동의하셔서 보내 드립니다. 그만 받으려면 내 정보에서 동의를 "
                "철회해 주세요: %(url)s"
            )
            % {"url": f"{site}{reverse('accounts:profile')}#consents"}
        )
    return subject, "\n".join(lines)

