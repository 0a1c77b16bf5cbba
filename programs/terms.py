"""A program's terms on one day: the eligibility conditions and amounts in force then, each with its source.

The one reader of Rule and Amount records: the screener, the planner, the program page, cards and open data all ask
`terms_of(program, day)`, so they never disagree about which year's rules apply. The records are read through
`program.rules.all()` / `program.amounts.all()`, so a caller that prefetched them (`with_terms()`) pays no query.

A Terms reads like the flat facts the rules engine was written against (`child_age_from_months`,
`income_criterion` …) and passes every other attribute through to the program.
"""

import datetime

from django.db.models import Prefetch
from django.utils import timezone

from .models import Amount, Program, Rule, in_force

K = Rule.Key


def with_terms(queryset):
    """The programs with every rule and amount (and their sources) fetched in two more queries."""
    return queryset.prefetch_related(
        Prefetch("rules", queryset=Rule.objects.select_related("source")),
        Prefetch("amounts", queryset=Amount.objects.select_related("source")),
    )


def terms_of(program: Program, day: datetime.date | None = None) -> "Terms":
    day = day or timezone.localdate()
    cache = program.__dict__.setdefault("_terms", {})
    terms = cache.get(day)
    if terms is None:
        terms = cache[day] = Terms(program, day)
    return terms


class Terms:
    def __init__(self, program: Program, day: datetime.date, *, rules=None, amounts=None):
        """`rules` / `amounts`: every record of the program, when the caller read them itself (the index)."""
        self.program = program
        self.day = day
        rules = program.rules.all() if rules is None else rules
        amounts = program.amounts.all() if amounts is None else amounts
        self.rules: list[Rule] = sorted(in_force(rules, day), key=lambda r: (r.key, r.pk or 0))
        self.amounts: list[Amount] = sorted(in_force(amounts, day), key=lambda a: (a.birth_order_from or 0, a.pk or 0))
        self._by_key = {r.key: r for r in self.rules if r.key != K.STATED}

    def __getattr__(self, name):  # everything that is not a rule: the program's own
        return getattr(self.program, name)

    def rule(self, key: str) -> Rule | None:
        return self._by_key.get(key)

    @property
    def stated(self) -> list[Rule]:
        """Conditions the source states without a threshold the screener could check."""
        return [r for r in self.rules if r.key == K.STATED]

    # --- the flat facts the conditions read ---------------------------------------------------------------------

    @property
    def residence_required(self) -> bool:
        return K.RESIDENCE in self._by_key

    @property
    def child_age_from_months(self):
        r = self.rule(K.CHILD_AGE)
        return r.low if r else None

    @property
    def child_age_until_months(self):
        r = self.rule(K.CHILD_AGE)
        return r.high if r else None

    @property
    def birth_order_from(self):
        r = self.rule(K.BIRTH_ORDER)
        return r.low if r else None

    @property
    def birth_order_to(self):
        r = self.rule(K.BIRTH_ORDER)
        return r.high if r else None

    @property
    def pregnancy_required(self) -> bool:
        return K.PREGNANCY in self._by_key

    def _choice(self, key):
        r = self.rule(key)
        return r.choice if r else ""

    @property
    def marital_status(self) -> str:
        return self._choice(K.MARITAL)

    @property
    def income_criterion(self) -> str:
        return self._choice(K.INCOME)

    @property
    def income_median_pct(self):
        r = self.rule(K.INCOME)
        return r.percent if r else None

    @property
    def employment(self) -> str:
        return self._choice(K.EMPLOYMENT)

    @property
    def firm_size_under(self):
        r = self.rule(K.FIRM_SIZE)
        return r.high if r else None

    def get_marital_status_display(self):
        return Program.Marital(self.marital_status).label

    def get_income_criterion_display(self):
        return Program.Income(self.income_criterion).label

    def get_employment_display(self):
        return Program.Employment(self.employment).label

    @property
    def has_child_facts(self) -> bool:
        return bool(self._by_key.keys() & {K.CHILD_AGE, K.BIRTH_ORDER}) or self.has_birth_window

    @property
    def has_birth_window(self) -> bool:
        return self.program.window_from_birth_days is not None or self.program.window_until_birth_days is not None

    # --- amounts ----------------------------------------------------------------------------------------------

    def amounts_for(self, birth_order: int | None) -> list[Amount]:
        """The amounts that apply to a child of `birth_order`: those without an order, and the order's own."""
        return [a for a in self.amounts if a.fits_order(birth_order)]

    def total_for(self, birth_order: int | None = None) -> int | None:
        """The most the household receives in all, from sourced amounts in force; None when it cannot be told (an
        amount depends on a birth order not given, or no amount has a total)."""
        totals = []
        for a in self.amounts:
            fits = a.fits_order(birth_order)
            if fits is None and a.pays_household:
                return None
            if fits and a.total is not None and a.is_sourced:
                totals.append(a.total)
        return sum(totals) if totals else None

    @property
    def headline_total(self) -> int | None:
        """The largest total of any one amount in force (for a card: "최대 …")."""
        totals = [a.total for a in self.amounts if a.total is not None and a.is_sourced]
        return max(totals) if totals else None

    # --- completeness -----------------------------------------------------------------------------------------

    def unsourced(self) -> list[str]:
        """What in these terms has no source (a source and the sentence it rests on), in words."""
        found = [f"{r.get_key_display()}" for r in self.rules if not r.is_sourced]
        found += [f"{a}" for a in self.amounts if not a.is_sourced]
        return found
