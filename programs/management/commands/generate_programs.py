"""Add synthetic published programs, for benchmarks only: `manage.py generate_programs 10000 [--seed 1]`.

They are marked `is_synthetic=True` and numbered `synthetic-<n>`, continuing after the highest existing number, so a
second run adds more without clashing. `--delete` removes every synthetic program (and nothing else).
The seed catalogue (`manage.py seed`) must be loaded first: programs are spread over its stages and districts.
Rows are written with bulk_create, which sends no signals, so the catalogue revision is bumped once at the end.
Every synthetic program that takes online applications (~30 %) gets the same small application form (a text
question, a yes/no question, one required document), so load tests can apply to them.
"""

import datetime
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import ProtectedError
from django.db.models.signals import post_delete

from districts.models import District
from programs.cache import bump_revision
from programs.models import Amount, ApplicationForm, LifeStage, Program, Question, RequiredDocument, Rule
from programs.signals import catalogue_changed

BATCH_SIZE = 2000
SLUG_PREFIX = "synthetic-"

# Relative weights: the stages with children in them hold most programs, as in the real catalogue.
STAGE_WEIGHTS = {"meeting": 1, "marriage": 2, "pregnancy": 4, "birth": 5, "childcare": 6, "work-life-balance": 3}
ADJECTIVES = ["행복한", "든든한", "따뜻한", "안심", "첫걸음", "우리 아이", "함께하는", "건강한", "희망", "온가족"]
# (noun, kind): the kind follows from what the program gives.
NOUNS = [
    ("출산 축하금", Program.Kind.CASH),
    ("첫만남 축하금", Program.Kind.CASH),
    ("양육 수당", Program.Kind.CASH),
    ("다자녀 수당", Program.Kind.CASH),
    ("산후조리비", Program.Kind.CASH),
    ("난임 시술비", Program.Kind.CASH),
    ("산후 돌봄", Program.Kind.SERVICE),
    ("아이돌봄 서비스", Program.Kind.SERVICE),
    ("산모 건강관리", Program.Kind.SERVICE),
    ("육아 상담", Program.Kind.SERVICE),
    ("공동육아나눔터", Program.Kind.FACILITY),
    ("시간제 보육실", Program.Kind.FACILITY),
    ("장난감 도서관", Program.Kind.FACILITY),
    ("신혼부부 주거", Program.Kind.SUPPORT),
    ("청년 희망통장", Program.Kind.SUPPORT),
    ("전세자금 이자", Program.Kind.SUPPORT),
    ("결혼 준비 교실", Program.Kind.OTHER),
    ("일생활 균형 캠페인", Program.Kind.OTHER),
]
SENTENCES = [
    "{area}에 사는 가정의 {noun} 부담을 덜어 드립니다.",
    "신청은 주소지 행정복지센터나 담당 부서에서 받습니다.",
    "지원 대상과 금액은 해마다 바뀔 수 있으니 담당 부서에 확인하세요.",
    "출산과 돌봄을 함께 준비하는 가정을 위한 사업입니다.",
    "예산이 소진되면 조기에 마감될 수 있습니다.",
    "구비 서류를 갖추어 기간 안에 신청하면 심사 후 지급합니다.",
    "산후 회복과 아이 돌봄을 돕기 위해 마련되었습니다.",
]
STATUSES = [Program.OperatingStatus.OPEN] * 17 + [
    Program.OperatingStatus.PAUSED,
    Program.OperatingStatus.SEASONAL,
    Program.OperatingStatus.CLOSED,
]
INCOMES = [Program.Income.ANY] * 6 + [v for v, _label in Program.Income.choices if v]


class Command(BaseCommand):
    help = "Add N synthetic published programs for benchmarks (deterministic with --seed); --delete removes them."

    def add_arguments(self, parser):
        parser.add_argument("count", nargs="?", type=int, default=0, help="how many programs to add")
        parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same programs)")
        parser.add_argument("--delete", action="store_true", help="delete every synthetic program instead")

    def handle(self, *args, count, seed, delete, **options):
        if delete:
            return self._delete()
        if count <= 0:
            raise CommandError("give the number of programs to add, e.g. `generate_programs 10000`, or --delete")
        stages = list(LifeStage.objects.all())
        districts = list(District.objects.all())
        if not stages or not districts:
            raise CommandError("the seed catalogue is not loaded (no stages or districts): run `manage.py seed` first")
        started = time.monotonic()
        rng = random.Random(seed)
        first = self._next_number()
        with transaction.atomic():
            for start in range(0, count, BATCH_SIZE):
                numbers = range(first + start, first + min(start + BATCH_SIZE, count))
                programs = [self._program(rng, n, districts) for n in numbers]
                Program.objects.bulk_create(programs)  # PostgreSQL and SQLite return the new primary keys
                Through = Program.stages.through
                links = [
                    Through(program_id=p.pk, lifestage_id=s.pk) for p in programs for s in self._stages(rng, stages)
                ]
                Through.objects.bulk_create(links)
                Rule.objects.bulk_create(r for p in programs for r in p.synthetic_records if isinstance(r, Rule))
                Amount.objects.bulk_create(a for p in programs for a in p.synthetic_records if isinstance(a, Amount))
                attach_forms([p for p in programs if p.apply_online])
            bump_revision()
        total = Program.objects.filter(is_synthetic=True).count()
        self.stdout.write(
            f"generate_programs: added {count} synthetic programs"
            f" ({SLUG_PREFIX}{first}..{SLUG_PREFIX}{first + count - 1}, seed {seed})"
            f" in {time.monotonic() - started:.1f}s; {total} synthetic programs in all"
        )

    def _next_number(self) -> int:
        slugs = Program.objects.filter(slug__startswith=SLUG_PREFIX).values_list("slug", flat=True)
        numbers = [int(s[len(SLUG_PREFIX) :]) for s in slugs if s[len(SLUG_PREFIX) :].isdigit()]
        return max(numbers, default=0) + 1

    def _delete(self):
        # QuerySet.delete() sends post_delete per row and each one would bump the revision: mute that receiver
        # (Django then deletes in a few statements) and bump once.
        post_delete.disconnect(catalogue_changed)
        try:
            with transaction.atomic():
                deleted, by_model = Program.objects.filter(is_synthetic=True).delete()
                if deleted:
                    bump_revision()
        except ProtectedError as error:  # applications keep their program (a load test applied to them)
            raise CommandError(
                f"synthetic programs have applications ({len(error.protected_objects)}): delete those first"
            ) from error
        finally:
            post_delete.connect(catalogue_changed)
        programs = by_model.get(Program._meta.label, 0)
        self.stdout.write(f"generate_programs: deleted {programs} synthetic programs ({deleted} rows with their links)")

    def _stages(self, rng, stages):
        weights = [STAGE_WEIGHTS.get(s.slug, 2) for s in stages]
        chosen = {rng.choices(stages, weights)[0]}
        if rng.random() < 0.5 and len(stages) > 1:
            while len(chosen) < 2:
                chosen.add(rng.choices(stages, weights)[0])
        return chosen

    def _program(self, rng, n, districts) -> Program:
        city = [d for d in districts if d.is_city]
        boroughs = [d for d in districts if d.is_borough] or city
        provider = rng.choice(city) if city and rng.random() < 0.4 else rng.choice(boroughs)
        area = "광주" if provider.is_city else provider.name
        noun, kind = rng.choice(NOUNS)
        title = f"{area} {rng.choice(ADJECTIVES)} {noun} 지원 #{n}"
        sentences = [s.format(area=area, noun=noun) for s in rng.sample(SENTENCES, 4)]
        program = Program(
            slug=f"{SLUG_PREFIX}{n}",
            title=title,
            title_en=f"Synthetic program #{n}",
            summary=" ".join(sentences[:2]),
            body="\n".join(sentences),
            provider=provider,
            kind=kind,
            publication=Program.Publication.PUBLISHED,
            is_synthetic=True,
            rules_year=rng.choice([2024, 2025, 2026]),
            operating_status=rng.choice(STATUSES),
            apply_online=rng.random() < 0.3,
            apply_in_person=rng.random() < 0.7,
            apply_by_phone=rng.random() < 0.2,
            contact_office=f"{provider.office_name} 합성데이터팀",
            contact_phone="062-000-0000",
            sources="벤치마크용 합성 데이터",
            last_verified=datetime.date(2026, 1, 1) + datetime.timedelta(days=rng.randrange(300)),
        )
        # Its rules and amounts, written after the program (bulk_create gives it its key): program_id is set then.
        records = program.synthetic_records = []

        def rule(key, **values):
            records.append(Rule(program=program, key=key, **values))

        if rng.random() < 0.9:
            rule(Rule.Key.RESIDENCE)
        income = rng.choice(INCOMES)
        if income == Program.Income.MEDIAN_PCT:
            rule(Rule.Key.INCOME, choice=income, percent=rng.choice([100, 120, 150, 180]))
        elif income and income != Program.Income.GRADED:
            rule(Rule.Key.INCOME, choice=income)
        if rng.random() < 0.08:
            rule(Rule.Key.PREGNANCY)
        if kind == Program.Kind.CASH:
            records.append(
                Amount(
                    program=program,
                    per_payment=rng.choice([100_000, 200_000, 300_000, 500_000, 1_000_000, 2_000_000]),
                    unit=rng.choice([Program.Unit.CHILD, Program.Unit.HOUSEHOLD]),
                    frequency=rng.choice([Amount.Frequency.ONCE, Amount.Frequency.MONTHLY]),
                )
            )
        else:
            program.benefit_text = f"{noun} 이용 지원"
        if rng.random() < 0.35:  # a child age range, in months: from < until
            start = rng.choice([0, 0, 12, 24, 36, 72])
            rule(Rule.Key.CHILD_AGE, low=start, high=start + rng.choice([12, 24, 36, 60]))
        if rng.random() < 0.25:
            low = rng.choice([1, 2, 3])
            rule(Rule.Key.BIRTH_ORDER, low=low, high=low + rng.choice([0, 1]) if rng.random() < 0.4 else None)
        if rng.random() < 0.2:
            start = datetime.date(2026, 1, 1) + datetime.timedelta(rng.randrange(365))
            program.window_start, program.window_end = start, start + datetime.timedelta(rng.choice([30, 90, 180]))
        return program


def attach_forms(programs) -> None:
    """The same small application form for each program: what a load test (benchmarks/load.py) answers and uploads."""
    forms = ApplicationForm.objects.bulk_create(
        [ApplicationForm(program=p, intro="벤치마크용 합성 신청서입니다.") for p in programs]
    )
    Question.objects.bulk_create(
        question
        for form in forms
        for question in (
            Question(form=form, order=1, key="reason", label="신청 사유", label_en="Why you apply"),
            Question(
                form=form,
                order=2,
                key="resident",
                kind=Question.Kind.YES_NO,
                label="광주에 살고 있습니까?",
                label_en="Do you live in Gwangju?",
            ),
        )
    )
    RequiredDocument.objects.bulk_create(
        RequiredDocument(form=form, order=1, name="주민등록등본", name_en="Resident registration certificate")
        for form in forms
    )
