"""What a household told the screener: one immutable dataclass.

It lives in the session only (as the plain dict of `to_dict`), never in a URL, a log or an analytics event. The same
dict is what a resident's profile can store later (issue 6, "save answers to their profile") and what an
application form can be prefilled from: nothing else needs to change for that.

Every field may be None: "모름" (don't know) or skipped. The rules engine turns None into "more information needed",
never into a guess.
"""

import dataclasses
import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

OUTSIDE = "outside"  # the district answer "I do not live in Gwangju"

MARITAL_CHOICES = [
    ("planning", _("결혼할 예정이에요")),
    ("married", _("결혼했어요")),
    ("single", _("해당 없어요 (결혼 예정 없음)")),
]
EMPLOYMENT_CHOICES = [
    ("employed", _("직장에 다니고 있어요 (근로자)")),
    ("employer", _("사업을 하고 있어요 (사업주)")),
    ("none", _("일하고 있지 않아요")),
]

# Household income as a share of 기준중위소득 (the national median income standard): (key, above %, up to %).
# A program's threshold is compared with the whole band; a band that straddles it gives "more information needed".
INCOME_BANDS = [
    ("to50", 0, 50),
    ("to75", 50, 75),
    ("to100", 75, 100),
    ("to120", 100, 120),
    ("to150", 120, 150),
    ("to180", 150, 180),
    ("to200", 180, 200),
    ("over200", 200, None),
]
# Employees at the workplace: (key, at least, fewer than).
FIRM_SIZES = [
    ("u5", 1, 5),
    ("u10", 5, 10),
    ("u30", 10, 30),
    ("u50", 30, 50),
    ("u100", 50, 100),
    ("u300", 100, 300),
    ("300plus", 300, None),
]
MAX_CHILDREN = 4
MAX_BIRTH_ORDER = 10

TOPICS = ["district", "marriage", "pregnancy", "children", "income", "work"]
_TOPIC_FIELDS = {
    "district": ("district",),
    "marriage": ("marital", "married_on"),
    "pregnancy": ("pregnant", "due_date", "expected_order"),
    "children": ("has_children", "children"),
    "income": ("basic_livelihood", "housing_benefit", "income_band"),
    "work": ("employment", "firm_size"),
}


def income_band_label(key: str) -> str:
    for k, low, high in INCOME_BANDS:
        if k == key:
            if low == 0:
                return _("기준중위소득 %(high)d%% 이하") % {"high": high}
            if high is None:
                return _("기준중위소득 %(low)d%% 초과") % {"low": low}
            return _("기준중위소득 %(low)d%% 초과 ~ %(high)d%% 이하") % {"low": low, "high": high}
    return ""


def firm_size_label(key: str) -> str:
    for k, low, high in FIRM_SIZES:
        if k == key:
            if high is None:
                return _("%(low)d명 이상") % {"low": low}
            if low <= 1:
                return _("%(high)d명 미만") % {"high": high}
            return _("%(low)d~%(high)d명") % {"low": low, "high": high - 1}
    return ""


@dataclass(frozen=True)
class Child:
    """A child of the household, or the expected one (birth_date is then the due date, None if not given)."""

    birth_date: datetime.date | None
    birth_order: int | None = None
    expected: bool = False


@dataclass(frozen=True)
class Answers:
    district: str | None = None  # a district slug, OUTSIDE, or None
    marital: str | None = None  # a MARITAL_CHOICES key
    married_on: datetime.date | None = None
    pregnant: bool | None = None
    due_date: datetime.date | None = None
    expected_order: int | None = None  # the birth order of the expected child
    has_children: bool | None = None
    children: tuple[Child, ...] = ()
    basic_livelihood: bool | None = None  # 기초생활보장 수급 가구
    housing_benefit: bool | None = None  # 주거급여 수급 가구
    income_band: str | None = None  # an INCOME_BANDS key
    employment: str | None = None  # an EMPLOYMENT_CHOICES key
    firm_size: str | None = None  # a FIRM_SIZES key
    done: frozenset[str] = field(default_factory=frozenset)  # topics answered or skipped

    @property
    def is_empty(self) -> bool:
        return self == Answers()

    def expected_child(self) -> Child | None:
        if self.pregnant:
            return Child(self.due_date, self.expected_order, expected=True)
        return None

    def births(self) -> list[Child]:
        """The dated births a plan can be made from: the due date, then each child (youngest first)."""
        found = [c for c in [self.expected_child(), *self.children] if c and c.birth_date]
        return sorted(found, key=lambda c: c.birth_date, reverse=True)

    def updated(self, topic: str, **values) -> "Answers":
        """These answers with one topic replaced (fields not given become unknown) and marked done."""
        cleared = {name: _default(name) for name in _TOPIC_FIELDS[topic]}
        return dataclasses.replace(self, **{**cleared, **values}, done=self.done | {topic})

    def skipped(self, topic: str) -> "Answers":
        """ "모름/skip": the topic's answers become unknown."""
        return self.updated(topic)

    # The session (and, later, a profile) stores this plain dict.
    def to_dict(self) -> dict:
        data = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name == "children":
                value = [{"birth_date": _iso(c.birth_date), "birth_order": c.birth_order} for c in value]
            elif f.name == "done":
                value = sorted(value)
            elif isinstance(value, datetime.date):
                value = value.isoformat()
            data[f.name] = value
        return data

    @classmethod
    def from_dict(cls, data) -> "Answers":
        """Tolerant: whatever does not have the expected shape is read as unknown."""
        if not isinstance(data, dict):
            return cls()

        def choice(name, keys):
            value = data.get(name)
            return value if isinstance(value, str) and value in keys else None

        def flag(name):
            value = data.get(name)
            return value if isinstance(value, bool) else None

        children = []
        for row in data.get("children") or []:
            if isinstance(row, dict) and _date(row.get("birth_date")):
                children.append(Child(_date(row.get("birth_date")), _order(row.get("birth_order"))))
        district = data.get("district")
        return cls(
            district=district if isinstance(district, str) and district else None,
            marital=choice("marital", {k for k, _label in MARITAL_CHOICES}),
            married_on=_date(data.get("married_on")),
            pregnant=flag("pregnant"),
            due_date=_date(data.get("due_date")),
            expected_order=_order(data.get("expected_order")),
            has_children=flag("has_children"),
            children=tuple(children[:MAX_CHILDREN]),
            basic_livelihood=flag("basic_livelihood"),
            housing_benefit=flag("housing_benefit"),
            income_band=choice("income_band", {k for k, *_rest in INCOME_BANDS}),
            employment=choice("employment", {k for k, _label in EMPLOYMENT_CHOICES}),
            firm_size=choice("firm_size", {k for k, *_rest in FIRM_SIZES}),
            done=frozenset(t for t in data.get("done") or [] if t in TOPICS),
        )


def _default(name: str):
    f = Answers.__dataclass_fields__[name]
    return f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default


def _iso(value):
    return value.isoformat() if value else None


def _date(value) -> datetime.date | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def _order(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_BIRTH_ORDER else None
