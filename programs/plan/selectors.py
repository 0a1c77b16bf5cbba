"""Reads of the saved plan: the plan of a household, recomputed from the rules and the catalogue every time it is
asked for (nothing about it is stored but the fingerprint of what was last seen), and what changed since.

Dates come only from the screener's planner (a birth's dated items, each with the Source of its rule) and, for a
program not about a birth, from the program's own application window when that window has a source and a quoted
sentence. Anything else is one undated entry: "신청 시기: 담당 부서 확인".
"""

import datetime
import hashlib
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programs.models import PlanMute, PlanState, Program
from programs.screener import planner, rules
from programs.screener import selectors as screener
from programs.screener.answers import Answers
from programs.screener.rules import Group

WINDOW_KINDS = ("window_start", "window_end")
HOUSEHOLD = ""  # the child key of an entry that is about the household, not one birth
KIND_TEXT = {  # what a removed entry was, said without its program's current data
    "window_start": gettext_lazy("신청 시작"),
    "window_end": gettext_lazy("신청 마감"),
    "age_from": gettext_lazy("이용할 수 있는 나이"),
    "age_until": gettext_lazy("지원 대상 나이의 마지막 날"),
    "undated": gettext_lazy("신청 시기: 담당 부서 확인"),
}


@dataclass
class Entry:
    """One line of the plan: a program, what happens (kind, text), on which day (None: no sourced rule gives one)."""

    program: Program
    kind: str  # window_start, window_end, age_from, age_until, undated
    day: datetime.date | None
    text: str
    group: Group  # eligible or check (the plan holds nothing the rules say the household cannot get)
    child: str  # "expected", "born-<n>" (the n-th birth of the plan), or HOUSEHOLD
    label: str  # the birth it is counted from, in words ("" for the household)
    source: object  # the Source the date rests on
    quote: str
    uid: str  # the calendar event's UID (stable: importing again updates instead of doubling)
    until: datetime.date | None = None  # for an opening: the day the same window closes

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.program.pk, self.kind, self.child)

    def fingerprint(self) -> dict:
        return {
            "p": self.program.pk,
            "k": self.kind,
            "c": self.child,
            "d": self.day.isoformat() if self.day else None,
            "v": str(self.group),
        }

    def is_past(self, today: datetime.date) -> bool:
        return self.day is not None and self.day < today


@dataclass(frozen=True)
class Where:
    """Where to apply: this site, another agency's page, an office (in words), or a telephone."""

    text: str
    url: str = ""


def where_of(program: Program) -> list[Where]:
    found = []
    if program.apply_online:
        found.append(Where(_("이 누리집에서 온라인 신청"), reverse("programs:apply", args=[program.slug])))
    if program.apply_url:
        found.append(Where(_("다른 기관 누리집에서 신청"), program.apply_url))
    office, phone = program.contact
    if program.apply_in_person:
        found.append(Where(_("주소지 행정복지센터 방문 신청")))
    if program.apply_by_phone and phone:
        found.append(Where(_("전화 신청: %(phone)s") % {"phone": phone}, f"tel:{phone}"))
    if not found:  # no method on record: whom to ask, never a guess
        found.append(Where(_("%(office)s에 문의") % {"office": office} + (f" ({phone})" if phone else "")))
    return found


def _uid(program: Program, kind: str) -> str:
    key = f"{program.slug}|{kind}|household"
    return f"{hashlib.sha256(key.encode()).hexdigest()[:24]}@{planner.UID_DOMAIN}"


def _household_entries(program: Program, group: Group) -> list[Entry]:
    """A program not about a birth: its own window's dates where the window has a source, else one undated entry."""
    sourced = program.window_source_id is not None and bool(program.window_quote.strip())
    found = []
    basis = {"source": program.window_source, "quote": program.window_quote}
    if sourced and program.window_start:
        found.append(("window_start", program.window_start, _("신청 시작"), basis))
    if sourced and program.window_end:
        found.append(("window_end", program.window_end, _("신청 마감"), basis))
    if not found:
        found.append(("undated", None, _("신청 시기: 담당 부서 확인"), {"source": None, "quote": ""}))
    return [
        Entry(
            program=program,
            kind=kind,
            day=day,
            text=text,
            group=group,
            child=HOUSEHOLD,
            label="",
            uid=_uid(program, kind),
            **extra,
        )  # fmt: skip
        for kind, day, text, extra in found
    ]


def plan_entries(answers: Answers, *, today: datetime.date, context=None) -> list[Entry]:
    """Every program that fits or may fit the household, as dated entries in date order, then the undated ones.
    `context`: the request (its catalogue revision is read once), or None outside a request (the reminder run)."""
    context = context if context is not None else SimpleNamespace()
    programs = screener.published_programs(context)
    home = screener.home_district(context, answers)
    entries: list[Entry] = []
    planned: set[int] = set()
    for n, birth in enumerate(planner.plan(programs, answers, today=today, home=home)):
        # the birth's place in the household, not its date: the stored fingerprint names no birth date, and a due
        # date that moves is the same birth with moved dates
        child = "expected" if birth.child.expected else f"born-{n}"
        for item in birth.items:
            planned.add(item.program.pk)
            entries.append(
                Entry(
                    program=item.program,
                    kind=item.kind,
                    day=item.day if item.dated else None,
                    text=item.text,
                    group=item.group,
                    child=child,
                    label=birth.label,
                    source=item.source,
                    quote=item.quote,
                    uid=item.uid,
                )  # fmt: skip
            )
    result = rules.screen(programs, answers, today=today, home=home)
    for verdict in [*result.eligible, *result.check]:
        if verdict.program.pk not in planned:
            entries += _household_entries(verdict.program, verdict.group)
    closing = {(e.program.pk, e.child): e.day for e in entries if e.kind == "window_end"}
    for e in entries:
        if e.kind == "window_start":
            e.until = closing.get((e.program.pk, e.child))
    entries.sort(key=lambda e: (e.day is None, e.day or datetime.date.max, e.program.title, e.kind, e.child))
    return entries


@dataclass
class Changes:
    """What changed in the plan since `since` (None: never looked before, so nothing to compare with)."""

    since: datetime.datetime | None = None
    added: list[Entry] = field(default_factory=list)
    moved: list[tuple[Entry, datetime.date | None]] = field(default_factory=list)  # with the earlier date
    regrouped: list[Entry] = field(default_factory=list)  # the verdict changed (확인 필요 ↔ 받을 수 있어요)
    removed: list[dict] = field(default_factory=list)  # {"title", "text", "day"}

    @property
    def any(self) -> bool:
        return bool(self.added or self.moved or self.regrouped or self.removed)


def plan_changes(state: PlanState | None, entries: list[Entry]) -> Changes:
    """Compare the plan now with the fingerprint stored at the last look. An entry is the same entry when its
    program, kind and birth are (so a due date that moved shows as moved dates, not as new entries)."""
    if state is None or state.seen_at is None:
        return Changes()
    changes = Changes(since=state.seen_at)
    before = {}
    for fp in state.seen if isinstance(state.seen, list) else []:
        try:
            before[(int(fp["p"]), str(fp["k"]), str(fp["c"]))] = fp
        except (KeyError, TypeError, ValueError):
            continue  # an unreadable fingerprint is forgotten, not an error
    now = {e.key: e for e in entries}
    for key, entry in now.items():
        old = before.get(key)
        if old is None:
            changes.added.append(entry)
            continue
        day = entry.day.isoformat() if entry.day else None
        if old.get("d") != day:
            changes.moved.append((entry, _date(old.get("d"))))
        elif old.get("v") != str(entry.group):
            changes.regrouped.append(entry)
    gone = [fp for key, fp in before.items() if key not in now]
    if gone:
        titles = {p.pk: p.tr.title for p in Program.objects.filter(pk__in={fp["p"] for fp in gone})}
        for fp in gone:
            title = titles.get(fp["p"], _("삭제된 사업"))
            changes.removed.append({"title": title, "text": KIND_TEXT.get(fp["k"], ""), "day": _date(fp.get("d"))})
    return changes


def _date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def plan_state_of(user) -> PlanState | None:
    return PlanState.objects.filter(user=user).first()


def muted_programs(user) -> set[int]:
    return set(PlanMute.objects.filter(user=user).values_list("program_id", flat=True))


def feed_owner(token: str):
    """The account whose calendar feed this token opens, or None (a wrong or revoked token opens nothing)."""
    if not token or len(token) > 200:
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()
    state = PlanState.objects.filter(feed_token_hash=digest, user__is_active=True).select_related("user").first()
    return state.user if state else None
