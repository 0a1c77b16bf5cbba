"""The published catalogue as an in-memory index of bitsets, one per catalogue revision and process.

Why: facet counts ("how many if I chose this") need, for every value of every facet, a count under all the other
filters. In SQL that is ~40 filtered counts over the whole table on every request (≈ 250 ms at 10,000 programs);
here each is an AND of two Python integers used as bitsets and a popcount (microseconds). The index is rebuilt from
two queries when the catalogue revision changes, so it is never stale; the page itself then fetches only the 20
programs it shows.

Every filter of /programs/ is defined here once: listing, counts, stage and district pages all use it.
"""

import datetime
import itertools
import threading
from dataclasses import dataclass, field

from django.utils import timezone

from districts.models import District

from .models import Amount, LifeStage, Program, Rule
from .terms import Terms

AGES = range(0, 19)  # child's age in whole years, as the age facet offers it
BIRTH_ORDERS = range(1, 11)
SEARCH_FIELDS = ("title", "title_en", "summary", "summary_en", "body", "body_en")
# What a list card shows: kept in the index, so a list page needs no program query at all.
CARD_FIELDS = (
    "pk", "slug", "title", "title_en", "summary", "summary_en", "provider_id", "kind", "operating_status",
    "window_end", "rules_year",
)  # fmt: skip
TERMS_FIELDS = (
    "pregnancy_required", "income_criterion", "child_age_from_months", "child_age_until_months", "birth_order_from",
    "birth_order_to", "headline_total",
)  # fmt: skip


def _bits(positions) -> int:
    value = 0
    for pos in positions:
        value |= 1 << pos
    return value


@dataclass(eq=False)
class CatalogueIndex:
    revision: int
    day: datetime.date
    stages: list[LifeStage]
    districts: list[District]
    ids: list[int] = field(default_factory=list)  # position -> Program pk; positions are in title order
    texts: list[str] = field(default_factory=list)  # position -> lower-cased searchable text
    facets: dict[str, dict[str, int]] = field(default_factory=dict)  # facet -> value -> bitset of positions
    orders: dict[str, list[int]] = field(default_factory=dict)  # sort key -> positions in that order
    cards: list[dict] = field(default_factory=list)  # position -> CARD_FIELDS
    stage_ids: list[list[int]] = field(default_factory=list)  # position -> the program's stage pks, in stage order
    position: dict[int, int] = field(default_factory=dict)  # Program pk -> position
    _words: dict[str, int] = field(default_factory=dict, repr=False)
    validated: dict[str, tuple] = field(default_factory=dict, repr=False)  # query string -> validated filters
    rendered_cards: dict[tuple[str, int], str] = field(default_factory=dict, repr=False)  # (language, pk) -> HTML
    _card_objects: dict[int, Program] = field(default_factory=dict, repr=False)

    @property
    def everything(self) -> int:
        return (1 << len(self.ids)) - 1

    def bits(self, facet: str, value: str) -> int:
        if facet == "q":
            return self.search(value)
        return self.facets[facet].get(value, 0)

    def search(self, text: str) -> int:
        """Every word must appear (substring, case-insensitive) in a title, summary or body, Korean or English:
        a part of a Korean word finds the whole (산후 -> 산후관리)."""
        result = self.everything
        for word in text.lower().split():
            result &= self._word(word)
        return result

    def _word(self, word: str) -> int:
        hit = self._words.get(word)
        if hit is None:
            hit = _bits(pos for pos, text in enumerate(self.texts) if word in text)
            if len(self._words) < 2048:  # remembered per revision; the index and this go together
                self._words[word] = hit
        return hit

    def match(self, active: dict[str, str], *, without: str | None = None) -> int:
        result = self.everything
        for facet, value in active.items():
            if facet != without:
                result &= self.bits(facet, value)
        return result

    def page_positions(self, matching: int, sort: str, offset: int, limit: int) -> list[int]:
        members = bin(matching)[:1:-1]  # members[pos] == "1" when pos matches
        if sort == "title":  # positions are in title order: walk the set bits themselves
            hits = itertools.takewhile(lambda pos: pos >= 0, self._set_bits(members))
        else:
            hits = (pos for pos in self.orders[sort] if pos < len(members) and members[pos] == "1")
        return list(itertools.islice(hits, offset, offset + limit))

    @staticmethod
    def _set_bits(members: str):
        pos = members.find("1")
        while pos >= 0:
            yield pos
            pos = members.find("1", pos + 1)
        yield -1

    def stages_of(self, program_pk: int) -> list[LifeStage]:
        pos = self.position.get(program_pk)
        if pos is None:
            return []
        by_pk = {s.pk: s for s in self.stages}
        return [by_pk[pk] for pk in self.stage_ids[pos]]

    def card(self, pos: int) -> Program:
        """An unsaved Program holding just what a list card shows, with its provider and stages attached.
        Built once per index: pages only read it."""
        program = self._card_objects.get(pos)
        if program is None:
            districts = {d.pk: d for d in self.districts}
            stages = {s.pk: s for s in self.stages}
            fields = {k: v for k, v in self.cards[pos].items() if k not in {"provider_id", "headline_total"}}
            program = Program(**fields)
            program.headline_total = self.cards[pos]["headline_total"]
            program.provider = districts[self.cards[pos]["provider_id"]]
            program.stage_list = [stages[pk] for pk in self.stage_ids[pos]]
            self._card_objects[pos] = program
        return program


def build(revision: int, day: datetime.date) -> CatalogueIndex:
    index = CatalogueIndex(revision, day, list(LifeStage.objects.all()), list(District.objects.all()))
    rows = list(
        Program.objects.published(day)
        .order_by("title", "pk")
        .values(
            "pk", "provider_id", "kind", "operating_status", "apply_online", "window_start", "window_end",
            "window_from_birth_days", "window_until_birth_days", "updated_at", "slug", "closes_on", "rules_year",
            *SEARCH_FIELDS,
        )
    )  # fmt: skip
    for row in rows:  # a scheduled closing day turns the status to closed (the program stays listed)
        if row["closes_on"] is not None and row["closes_on"] <= day:
            row["operating_status"] = Program.OperatingStatus.CLOSED
    position = index.position = {row["pk"]: pos for pos, row in enumerate(rows)}
    _add_terms(rows, day)
    index.ids = [row["pk"] for row in rows]
    index.texts = ["\n".join(row[f] for f in SEARCH_FIELDS).lower() for row in rows]
    index.cards = [{f: row[f] for f in (*CARD_FIELDS, "headline_total")} for row in rows]

    stage_order = {s.pk: s.order for s in index.stages}
    stage_positions: dict[int, list[int]] = {s.pk: [] for s in index.stages}
    index.stage_ids = [[] for _ in rows]
    through = Program.stages.through.objects.filter(program__publication=Program.Publication.PUBLISHED)
    for program_id, stage_id in through.values_list("program_id", "lifestage_id"):
        if program_id not in position:  # published, but its publication day has not come
            continue
        stage_positions[stage_id].append(position[program_id])
        index.stage_ids[position[program_id]].append(stage_id)
    for ids in index.stage_ids:
        ids.sort(key=stage_order.__getitem__)

    def where(predicate) -> int:
        return _bits(pos for pos, row in enumerate(rows) if predicate(row))

    by_provider = {d.pk: where(lambda r, pk=d.pk: r["provider_id"] == pk) for d in index.districts}
    wider = 0  # the state's and the city's programs: open to the residents of every district
    for d in index.districts:
        if not d.is_borough:
            wider |= by_provider[d.pk]
    index.facets = {
        "stage": {s.slug: _bits(stage_positions[s.pk]) for s in index.stages},
        "provider": {d.slug: by_provider[d.pk] for d in index.districts},
        # A district's residents may use its own programs, the city's and the state's.
        "district": {d.slug: by_provider[d.pk] | (wider if d.is_borough else 0) for d in index.districts},
        "kind": {k: where(lambda r, k=k: r["kind"] == k) for k in Program.Kind.values},
        "status": {s: where(lambda r, s=s: r["operating_status"] == s) for s in Program.OperatingStatus.values},
        "income": {
            ("none" if v == "" else v): where(lambda r, v=v: r["income_criterion"] == v) for v in Program.Income.values
        },
        "open": {"1": where(lambda r: _open_on(r, day))},
        "online": {"1": where(lambda r: r["apply_online"])},
        "pregnancy": {"1": where(lambda r: r["pregnancy_required"])},
        "age": {str(y): where(lambda r, y=y: _age_fits(r, y)) for y in AGES},
        "order": {str(n): where(lambda r, n=n: _order_fits(r, n)) for n in BIRTH_ORDERS},
    }
    far = datetime.date.max
    index.orders = {
        "title": list(range(len(rows))),
        "updated": sorted(range(len(rows)), key=lambda p: (rows[p]["updated_at"], rows[p]["pk"]), reverse=True),
        "deadline": sorted(range(len(rows)), key=lambda p: (rows[p]["window_end"] or far, p)),
    }
    return index


def _add_terms(rows: list[dict], day: datetime.date) -> None:
    """Each row's facets from its rules and amounts in force on `day` (two queries, read through programs.terms)."""
    by_program: dict[int, tuple[list, list]] = {row["pk"]: ([], []) for row in rows}
    published = Program.objects.published(day)
    for rule in Rule.objects.filter(program__in=published).select_related("source"):
        if rule.program_id in by_program:
            by_program[rule.program_id][0].append(rule)
    for amount in Amount.objects.filter(program__in=published).select_related("source"):
        if amount.program_id in by_program:
            by_program[amount.program_id][1].append(amount)
    for row in rows:
        rules, amounts = by_program[row["pk"]]
        program = Program(pk=row["pk"], window_from_birth_days=row["window_from_birth_days"],
                          window_until_birth_days=row["window_until_birth_days"])  # fmt: skip
        terms = Terms(program, day, rules=rules, amounts=amounts)
        row.update({name: getattr(terms, name) for name in TERMS_FIELDS})


def _open_on(row, day) -> bool:
    return (
        row["operating_status"] == Program.OperatingStatus.OPEN
        and (row["window_start"] is None or row["window_start"] <= day)
        and (row["window_end"] is None or day <= row["window_end"])
    )


def _age_fits(row, years: int) -> bool:
    """A child of this age (whole years, i.e. months years*12 .. years*12+11) is not excluded by the age range."""
    low, high = years * 12, years * 12 + 11
    start, until = row["child_age_from_months"], row["child_age_until_months"]
    return (start is None or start <= high) and (until is None or until > low)


def _order_fits(row, order: int) -> bool:
    start, end = row["birth_order_from"], row["birth_order_to"]
    return (start is None or start <= order) and (end is None or order <= end)


_lock = threading.Lock()
_current: CatalogueIndex | None = None


def catalogue_index(revision: int) -> CatalogueIndex:
    """The index for this revision (and today, for "open now"), built at most once per process and change."""
    global _current
    day = timezone.localdate()
    index = _current
    if index is None or index.revision != revision or index.day != day:
        with _lock:
            index = _current
            if index is None or index.revision != revision or index.day != day:
                index = _current = build(revision, day)
    return index


def clear() -> None:
    global _current
    _current = None
