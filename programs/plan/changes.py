"""What changed in a published program, in plain words (issue 17, part 3): reads only, no writes.

program_facts() takes a snapshot of the facts residents rely on — the amounts and conditions (dated, sourced records),
the application window and the operating status — as plain JSON, each with its source as it stands (title, issuer,
address). fact_differences() compares two snapshots; change_lines() says each difference in the active language:

    금액: 200,000원 → 300,000원 · 2027. 1. 1.부터 · 출처: 서구청, 2027년 출산축하금 지급 기준
    운영 상태: 운영 중 → 종료 · 2026. 12. 8.부터(게시한 날) · 출처: 기록에 없음

Counted: an amount or a condition added, removed, or its values or period changed; the window's dates; the operating
status and the scheduled closing day. Not counted: wording (summary, body, notes, English texts), a source or its
quote corrected alone — residents rely on none of these for a date or an amount.

"From when" is the new record's 적용 시작일 where it has one, else the day the change was published (said so), and
the source is the new fact's own source; where the record holds none, the line says it is not given. Nothing here
guesses a date or a source.
"""

import datetime
import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.i18n import in_english
from portal.templatetags.portal import kdate
from programs.models import Amount, Program, Rule
from programs.presentation import amount_text, rule_text, window_text
from programs.terms import with_terms

AMOUNT_VALUES = ("lump_sum", "per_payment", "frequency", "payments", "cap", "unit", "birth_order_from",
                 "birth_order_to", "pays_household", "text")  # fmt: skip
RULE_VALUES = ("key", "low", "high", "choice", "percent", "text")
PERIOD = ("valid_from", "valid_until")
WINDOW_VALUES = ("window_start", "window_end", "window_from_birth_days", "window_until_birth_days")


def _source(source) -> dict | None:
    if source is None:
        return None
    return {"title": source.title, "issuer": source.issuer, "url": source.url, "number": source.document_number}


def _record(obj, values) -> dict:
    fields = {name: getattr(obj, name) for name in (*values, *PERIOD, "text_en", "quote")}
    return {**fields, "source": _source(obj.source)}


def program_facts(program_id: int, *, today: datetime.date | None = None) -> dict:
    """The facts of the program as residents see them now (its pending draft is not), as JSON-ready data; {} when
    there is no such program. Four queries."""
    program = (
        with_terms(Program.objects.filter(pk=program_id).select_related("window_source", "status_source"))
        .first()
    )  # fmt: skip
    if program is None:
        return {}
    today = today or timezone.localdate()
    published = program.is_published and (program.publish_on is None or program.publish_on <= today)
    facts = {
        "published": published,
        "history_id": program.history.order_by("-history_id").values_list("history_id", flat=True).first(),
        "window": {
            **{name: getattr(program, name) for name in WINDOW_VALUES},
            "source": _source(program.window_source),
            "quote": program.window_quote,
        },
        "status": {
            "operating_status": program.operating_status,
            "status_since": program.status_since,
            "closes_on": program.closes_on,
            "source": _source(program.status_source),
            "quote": program.status_quote,
        },
        "amounts": {str(a.pk): _record(a, AMOUNT_VALUES) for a in program.amounts.all()},
        "rules": {str(r.pk): _record(r, RULE_VALUES) for r in program.rules.all()},
    }
    return json.loads(json.dumps(facts, cls=DjangoJSONEncoder))  # dates as ISO text, as they will be stored


@dataclass(frozen=True)
class Difference:
    """One fact that changed, language-free: the topic and the records (or values) before and after."""

    topic: str  # amount, rule, window, status, closes_on
    before: dict | None
    after: dict | None
    replaced: dict | None = None  # an added record's predecessor in its slot (the amount it takes over from)


def _same(a: dict, b: dict, names) -> bool:
    return all(a.get(name) == b.get(name) for name in names)


def _slot(topic: str, key: str, record: dict):
    if topic == "amount":
        return (record.get("birth_order_from"), record.get("birth_order_to"), record.get("pays_household"))
    return (record.get("key"), key) if record.get("key") == Rule.Key.STATED else record.get("key")


def _predecessor(topic: str, key: str, record: dict, records: dict) -> dict | None:
    """The record of the same slot that the added one follows: the latest one starting before it."""
    start = record.get("valid_from") or ""
    earlier = [
        other
        for other_key, other in records.items()
        if other_key != key and _slot(topic, other_key, other) == _slot(topic, key, record)
        and (other.get("valid_from") or "") < start
    ]  # fmt: skip
    return max(earlier, key=lambda r: r.get("valid_from") or "", default=None)


def _records_differences(topic: str, before: dict, after: dict, values) -> list[Difference]:
    found = []
    for key in sorted(set(before) | set(after), key=lambda k: int(k) if k.isdigit() else 0):
        old, new = before.get(key), after.get(key)
        if old is not None and new is not None and _same(old, new, (*values, *PERIOD)):
            continue
        replaced = _predecessor(topic, key, new, {**before, **after}) if old is None and new is not None else None
        found.append(Difference(topic, old, new, replaced))
    return found


def fact_differences(before: dict, after: dict) -> list[Difference]:
    """What residents would notice between two snapshots (program_facts), in a fixed order."""
    if not before or not after:
        return []
    found = _records_differences("amount", before.get("amounts", {}), after.get("amounts", {}), AMOUNT_VALUES)
    found += _records_differences("rule", before.get("rules", {}), after.get("rules", {}), RULE_VALUES)
    window_before, window_after = before.get("window", {}), after.get("window", {})
    if not _same(window_before, window_after, WINDOW_VALUES):
        found.append(Difference("window", window_before, window_after))
    status_before, status_after = before.get("status", {}), after.get("status", {})
    if status_before.get("operating_status") != status_after.get("operating_status"):
        found.append(Difference("status", status_before, status_after))
    if status_before.get("closes_on") != status_after.get("closes_on"):
        found.append(Difference("closes_on", status_before, status_after))
    return found


@dataclass(frozen=True)
class Line:
    """One difference in words of the active language."""

    label: str
    before: str
    after: str
    since: datetime.date | None  # from when: the record's start, else the day it was published
    since_published: bool  # True: no start date on the record, `since` is the day the change was published
    source: dict | None  # {"title", "issuer", "url", "number"}: the new fact's source; None: not given

    @property
    def since_text(self) -> str:
        if self.since is None:
            return _("적용일: 기록에 없음")
        if self.since_published:
            return _("%(day)s부터(게시한 날)") % {"day": kdate(self.since)}
        return _("%(day)s부터") % {"day": kdate(self.since)}

    @property
    def source_text(self) -> str:
        if not self.source:
            return _("출처: 기록에 없음")
        where = self.source.get("url") or self.source.get("number") or ""
        said = f"{self.source['issuer']}, {self.source['title']}"
        return _("출처: %(source)s") % {"source": f"{said} {where}".strip()}

    def __str__(self):
        return f"{self.label}: {self.before} → {self.after} · {self.since_text} · {self.source_text}"


def _date(value) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _values(record: dict, names) -> dict:
    return {name: _date(record.get(name)) if name in PERIOD else record.get(name) for name in names}


def _amount(record: dict) -> Amount:
    return Amount(**_values(record, (*AMOUNT_VALUES, *PERIOD, "text_en")))


def _rule(record: dict) -> Rule:
    return Rule(**_values(record, (*RULE_VALUES, *PERIOD, "text_en")))


def _period(record: dict) -> str:
    start, end = _date(record.get("valid_from")), _date(record.get("valid_until"))
    if not (start or end):
        return _("기간 정함 없음")
    return f"{kdate(start)} ~ {kdate(end)}".strip()


def _words(topic: str, program: Program, record: dict | None) -> str:
    if record is None:
        return _("없음")
    text = amount_text(_amount(record)) if topic == "amount" else rule_text(program, _rule(record))
    return text or _("금액 설명 없음")


def _record_line(difference: Difference, program: Program, published_on: datetime.date) -> Line:
    topic, old, new = difference.topic, difference.before, difference.after
    label = _("금액") if topic == "amount" else _("지원 조건")
    before = _words(topic, program, old if old is not None else difference.replaced)
    after = _words(topic, program, new) if new is not None else _("없어짐")
    if old is not None and new is not None and before == after:  # only the period moved: say the periods
        before, after = f"{before} ({_period(old)})", f"{after} ({_period(new)})"
    elif old is None and new is not None and difference.replaced is None and new.get("valid_until"):
        after = f"{after} ({_period(new)})"
    start = _date(new.get("valid_from")) if new is not None else None
    # A removed record is no new fact: it has no source of its own, and the line says so.
    return Line(label, before, after, start or published_on, start is None, new.get("source") if new else None)


def _window(record: dict) -> str:
    program = Program(**{name: _date(record.get(name)) if name in ("window_start", "window_end")
                         else record.get(name) for name in WINDOW_VALUES})  # fmt: skip
    return window_text(program) or _("정해지지 않음")


def _status(value: str) -> str:
    return str(Program.OperatingStatus(value).label) if value in Program.OperatingStatus.values else value


def change_lines(program: Program, before: dict, after: dict, *, published_on: datetime.date) -> list[Line]:
    """Each difference between the snapshots, said in the active language. `published_on`: the day the change was
    published, "from when" for a fact that carries no start date of its own."""
    lines = []
    for d in fact_differences(before, after):
        if d.topic in ("amount", "rule"):
            lines.append(_record_line(d, program, published_on))
        elif d.topic == "window":
            lines.append(Line(_("신청 기간"), _window(d.before), _window(d.after), published_on, True,
                              d.after.get("source")))  # fmt: skip
        elif d.topic == "status":
            since = _date(d.after.get("status_since"))
            lines.append(Line(_("운영 상태"), _status(d.before.get("operating_status", "")),
                              _status(d.after.get("operating_status", "")), since or published_on, since is None,
                              d.after.get("source")))  # fmt: skip
        else:  # the scheduled closing day: the officer's date, with no source field of its own
            closes = _date(d.after.get("closes_on"))
            lines.append(Line(_("종료 예정일"), kdate(_date(d.before.get("closes_on"))) or _("없음"),
                              kdate(closes) or _("없음"), closes or published_on, closes is None, None))  # fmt: skip
    return lines


def _particle(word: str) -> str:
    """이 after a final consonant, 가 after a vowel; 이(가) where the word does not end in Hangul."""
    last = word.rstrip()[-1:] or " "
    if "가" <= last <= "힣":
        return "이" if (ord(last) - ord("가")) % 28 else "가"
    return "이(가)"


def program_name(program: Program) -> str:
    """The program with its provider, as residents say it: 서구 둘째아이 이상 출산축하금."""
    title, provider = program.tr.title, program.provider.tr.name
    return title if title.startswith(provider) else f"{provider} {title}"


def change_headline(program: Program, lines: list[Line]) -> str:
    """'서구 출산축하금이 2027. 1. 1.부터 바뀝니다' — with the day where every line starts on the same one."""
    name = program_name(program)
    subject = name if in_english() else f"{name}{_particle(name)}"  # Korean marks the subject: 이 or 가
    days = {line.since for line in lines}
    if len(days) == 1 and None not in days:
        # Translators: %(subject)s is the program's name (in Korean with its subject particle 이/가).
        return _("%(subject)s %(day)s부터 바뀝니다") % {"subject": subject, "day": kdate(days.pop())}
    # Translators: %(subject)s is the program's name (in Korean with its subject particle 이/가).
    return _("%(subject)s 바뀝니다") % {"subject": subject}
