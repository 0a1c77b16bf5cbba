"""Small builders for tests: real rows in the real database, nothing mocked."""

import itertools

from districts.models import District
from programs.cache import bump_revision
from programs.models import LifeStage, Program

_seq = itertools.count(1)


def stage(slug="birth", order=None, name="출생", **kw) -> LifeStage:
    obj, _ = LifeStage.objects.get_or_create(
        slug=slug, defaults={"order": order or next(_seq) + 100, "name": name, **kw}
    )
    return obj


def district(slug="seo-gu", name="서구", is_city=False, **kw) -> District:
    obj, _ = District.objects.get_or_create(
        slug=slug, defaults={"name": name, "is_city": is_city, "office_name": f"{name}청", **kw}
    )
    return obj


def city() -> District:
    return district("gwangju", "광주광역시", is_city=True, office_name="광주광역시 여성가족과", phone="062-613-4390")


def program(*, stages=None, provider=None, **kw) -> Program:
    n = next(_seq)
    fields = {
        "slug": f"test-program-{n}",
        "title": f"시험 사업 {n}",
        "summary": "시험용 요약",
        "publication": Program.Publication.PUBLISHED,
        "provider": provider or city(),
    }
    fields.update(kw)
    obj = Program.objects.create(**fields)
    obj.stages.set(stages if stages is not None else [stage()])
    return obj


def many_programs(count: int, *, stages, providers) -> list[Program]:
    """`count` published programs spread over stages and providers, in bulk."""
    programs = Program.objects.bulk_create(
        Program(
            slug=f"bulk-{i}",
            title=f"대량 사업 {i} {'산후관리' if i % 7 == 0 else '돌봄'}",
            summary="요약",
            provider=providers[i % len(providers)],
            kind=list(Program.Kind)[i % len(Program.Kind)],
            publication=Program.Publication.PUBLISHED,
            child_age_until_months=72 if i % 3 == 0 else None,
            birth_order_from=2 if i % 4 == 0 else None,
        )
        for i in range(count)
    )
    through = Program.stages.through
    through.objects.bulk_create(
        through(program_id=p.pk, lifestage_id=stages[i % len(stages)].pk) for i, p in enumerate(programs)
    )
    bump_revision()  # bulk_create sends no signals
    return programs
