"""Load the seed catalogue from fixtures/: catalogue.json (stages, providers, the 2021 plan's programs with their
later periods) and the 2025–2026 programs by provider level (programs-national.json, programs-city.json,
programs-districts.json; issue 16). One program is one record in one file: a slug found twice is refused.

Idempotent: records are matched by slug. A missing record is created; an existing one is left as it is (officers
own it once it exists) unless --update is given, which rewrites the fields that differ from the fixture.
A second run changes nothing and says so.
"""

import datetime
import json
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.utils import timezone

from districts.access import ADMINISTRATORS
from districts.models import Assignment, District, Office, Role
from districts.roles import role_group
from districts.services import assignment_grant
from portal.accounts.consent import REQUIRED, consent_missing, consent_record
from programs.models import (
    Amount,
    ApplicationForm,
    LifeStage,
    Program,
    Question,
    RequiredDocument,
    Rule,
    RuleCase,
    Source,
)
from programs.review.reason_defaults import reason_templates_seed_report

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures"
FIXTURES = [
    FIXTURE_DIR / name
    for name in (
        "catalogue.json",
        "sources-2026.json",
        "programs-national.json",
        "programs-city.json",
        "programs-districts.json",
        "offices.json",  # the districts' offices and 행정복지센터 (issue 16, item 4)
    )
]


def _coerce(model, name, value):
    field = model._meta.get_field(name)
    if isinstance(field, models.DateField) and isinstance(value, str):
        return datetime.date.fromisoformat(value)
    return value


class Command(BaseCommand):
    help = "Load the seed catalogue (stages, districts, programs) from fixtures/catalogue.json; safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--update", action="store_true", help="overwrite existing records where they differ")
        parser.add_argument(
            "--file", action="append", help="catalogue JSON, repeatable (default: the five files in fixtures/)"
        )
        parser.add_argument("--demo", action="store_true", help="also create demo staff accounts (DEBUG only)")
        parser.add_argument("--password", help="password of the demo accounts (default: a random one, printed)")

    def handle(self, *args, **options):
        if options["demo"] and not settings.DEBUG:
            raise CommandError("seed --demo creates accounts with known passwords: it refuses to run with DEBUG off.")
        data = self._read([Path(f) for f in options["file"]] if options["file"] else FIXTURES)
        self.update = options["update"]
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        with transaction.atomic():
            stages, districts, sources = {}, {}, {}
            for row in data.get("sources", []):
                sources[row["key"]], status = self._upsert(Source, row, key="key")
                counts[status] += 1
            for row in data["stages"]:
                stages[row["slug"]], status = self._upsert(LifeStage, row)
                counts[status] += 1
            for row in data["districts"]:
                districts[row["slug"]], status = self._upsert(District, row)
                counts[status] += 1
            for row in data["programs"]:
                row = dict(row)
                records = {name: row.pop(name, []) for name in ("rules", "amounts", "cases")}
                try:
                    wanted = {stages[s] for s in row.pop("stages")}
                    row["provider"] = districts[row["provider"]]
                    for name in ("window_source", "status_source", "apply_source"):
                        if row.get(name):
                            row[name] = sources[row[name]]
                except KeyError as exc:
                    raise CommandError(f"program {row['slug']}: unknown stage, district or source {exc}") from exc
                program, status = self._upsert(Program, row)
                if (status == "created" or self.update) and set(program.stages.all()) != wanted:
                    program.stages.set(wanted)
                    status = "created" if status == "created" else "updated"
                if self._records(program, records, sources, fresh=status == "created") and status == "unchanged":
                    status = "updated"
                counts[status] += 1
            for row in data.get("application_forms", []):
                counts[self._form(row)] += 1
            for row in data["offices"]:
                counts[self._office(row, districts)] += 1
        self.stdout.write(reason_templates_seed_report())  # each office's first reason templates, never overwritten
        if options["demo"]:
            self._demo_online()
            self._demo_accounts(options["password"], data["districts"])
        if counts["created"] == 0 and counts["updated"] == 0:
            self.stdout.write(
                f"seed: nothing to do, the catalogue is already loaded ({counts['unchanged']} records unchanged)"
            )
        else:
            self.stdout.write(
                f"seed: {counts['created']} created, {counts['updated']} updated, {counts['unchanged']} unchanged"
            )

    @staticmethod
    def _read(paths: list[Path]) -> dict:
        """The files as one catalogue: their lists joined, in order. A source key or a program slug found twice is
        refused (two records of one program would tell residents two things)."""
        data: dict[str, list] = {
            "sources": [], "stages": [], "districts": [], "programs": [], "application_forms": [], "offices": []
        }  # fmt: skip
        for path in paths:
            try:
                part = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"cannot read {path}: {exc}") from exc
            for name in data:
                data[name].extend(part.get(name, []))
        for name, key in (("sources", "key"), ("stages", "slug"), ("districts", "slug"), ("programs", "slug")):
            seen = set()
            for row in data[name]:
                if row[key] in seen:
                    raise CommandError(f"{name}: {row[key]} is given twice")
                seen.add(row[key])
        return data

    RECORDS = {"rules": Rule, "amounts": Amount, "cases": RuleCase}

    def _records(self, program, records: dict, sources: dict, *, fresh: bool) -> bool:
        """A program's rules, amounts and rule cases: created with the program; replaced only with --update, and only
        where they differ (officers own them once they exist). True when something was written."""
        written = False
        for name, model in self.RECORDS.items():
            rows = []
            for row in records[name]:
                values = {k: _coerce(model, k, v) for k, v in row.items()}
                if "source" in values:
                    try:
                        values["source"] = sources[values["source"]] if values["source"] else None
                    except KeyError as exc:
                        raise CommandError(f"program {program.slug}: unknown source {exc}") from exc
                rows.append(model(program=program, **values))
            existing = list(getattr(program, name).all())
            if not fresh and (not self.update or self._same(existing, rows)):
                continue
            getattr(program, name).all().delete()
            for obj in rows:
                try:
                    obj.full_clean(exclude=["program"])
                except ValidationError as exc:
                    raise CommandError(f"program {program.slug}, {name}: {exc.messages}") from exc
            model.objects.bulk_create(rows)
            written = written or bool(rows) or bool(existing)
        return written

    @staticmethod
    def _same(existing, rows) -> bool:
        def shape(obj):
            return tuple(
                getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.attname not in {"id", "program_id"}
            )

        return sorted(map(shape, existing), key=repr) == sorted(map(shape, rows), key=repr)

    def _form(self, row) -> str:
        """A program's online application form: created once; replaced only with --update (officers edit it).

        A fixture form is a demonstration form unless its row says "demonstration": false: no source says a seed
        program takes applications on this site. The plain seed opens none of them (apply_online stays as the
        fixture's program says, off); `seed --demo` does (_demo_online)."""
        program = Program.objects.filter(slug=row["program"]).first()
        if program is None:
            raise CommandError(f"application form: unknown program {row['program']}")
        form = ApplicationForm.objects.filter(program=program).first()
        if form is not None and (not self.update or self._form_as_row(form) == self._form_as_row(row)):
            return "unchanged"
        status = "created" if form is None else "updated"
        form = form or ApplicationForm(program=program)
        form.intro, form.intro_en = row.get("intro", ""), row.get("intro_en", "")
        form.demonstration = row.get("demonstration", True)
        form.full_clean()
        form.save()
        form.questions.all().delete()
        form.documents.all().delete()
        for order, q in enumerate(row.get("questions", []), start=1):
            question = Question(form=form, order=order, **q)
            question.full_clean()
            question.save()
        for order, d in enumerate(row.get("documents", []), start=1):
            document = RequiredDocument(form=form, order=order, **d)
            document.full_clean()
            document.save()
        return status

    @staticmethod
    def _form_as_row(form) -> tuple:
        """A form (a model or a fixture row) in one comparable shape."""
        q_fields = ["key", "kind", "required", "label", "label_en", "help_text", "help_text_en", "choices"]
        q_fields.append("choices_en")
        d_fields = ["name", "name_en", "help_text", "help_text_en", "required"]
        if isinstance(form, dict):
            questions = [tuple(q.get(f, Question._meta.get_field(f).get_default()) for f in q_fields)
                         for q in form.get("questions", [])]  # fmt: skip
            documents = [tuple(d.get(f, RequiredDocument._meta.get_field(f).get_default()) for f in d_fields)
                         for d in form.get("documents", [])]  # fmt: skip
            demonstration = form.get("demonstration", True)  # a fixture form is one unless it says otherwise
            return form.get("intro", ""), form.get("intro_en", ""), demonstration, questions, documents
        questions = [tuple(getattr(q, f) for f in q_fields) for q in form.questions.all()]
        documents = [tuple(getattr(d, f) for f in d_fields) for d in form.documents.all()]
        return form.intro, form.intro_en, form.demonstration, questions, documents

    def _upsert(self, model, row, key="slug"):
        """Returns (object, "created" | "updated" | "unchanged")."""
        values = {k: _coerce(model, k, v) for k, v in row.items() if k != key}
        obj = model.objects.filter(**{key: row[key]}).first()
        if obj is None:
            obj = model(**{key: row[key]}, **values)
            obj.full_clean()
            obj.save()
            return obj, "created"
        changed = [k for k, v in values.items() if getattr(obj, k) != v] if self.update else []
        if not changed:
            return obj, "unchanged"
        for k in changed:
            setattr(obj, k, values[k])
        obj.full_clean()
        fields = [model._meta.get_field(k).attname for k in changed]
        if model is Program:
            fields.append("updated_at")  # feeds and "recently updated" order by it
        obj.save(update_fields=fields)
        return obj, "updated"

    def _office(self, row, districts) -> str:
        """A district's office (districts.Office), matched by district and name: created when missing, rewritten
        field by field with --update, else left to the officers who keep it."""
        values = {k: _coerce(Office, k, v) for k, v in row.items() if k not in ("district", "name")}
        district = districts.get(row["district"]) or District.objects.filter(slug=row["district"]).first()
        if district is None:
            raise CommandError(f"office {row['name']}: unknown district {row['district']}")
        office = Office.objects.filter(district=district, name=row["name"]).first()
        if office is None:
            office = Office(district=district, name=row["name"], **values)
            office.full_clean()
            office.save()
            return "created"
        changed = [k for k, v in values.items() if getattr(office, k) != v] if self.update else []
        if not changed:
            return "unchanged"
        for k in changed:
            setattr(office, k, values[k])
        office.full_clean()
        office.save(update_fields=changed)
        return "updated"

    def _demo_resident(self, account):
        """resident@demo.local: 김광주 of 서구, email verified and the required consent given, ready to apply."""
        seo_gu = District.objects.get(slug="seo-gu")
        resident = account("resident@demo.local", name="김광주", district=seo_gu, email_verified_at=timezone.now())
        if consent_missing(resident):
            consent_record(user=resident, answers=dict.fromkeys(REQUIRED, True))

    def _demo_online(self):
        """seed --demo (DEBUG only) opens the online application of every program with a demonstration form, so the
        demo can walk the wizard; every page of such a form says it receives nothing (and with DEBUG off none opens)."""
        opened = []
        with transaction.atomic():
            for program in Program.objects.filter(application_form__demonstration=True, apply_online=False):
                program.apply_online = True
                program.save(update_fields=["apply_online", "updated_at"])  # the signal bumps the catalogue revision
                opened.append(program.slug)
        if opened:
            self.stdout.write(f"seed --demo: online applications opened on demonstration forms: {', '.join(opened)}")
        else:
            self.stdout.write("seed --demo: the demonstration forms already take online applications")

    def _demo_accounts(self, given_password, districts):
        """officer.<district>@demo.local and reviewer.<district>@demo.local for every district and the city;
        admin@demo.local (administrator);
        resident@demo.local (a resident). Existing demo accounts keep their password unless --password is given."""
        password = given_password or secrets.token_urlsafe(9)
        users = get_user_model().objects
        made = []

        def account(email, **extra):
            user, created = users.get_or_create(email=email, defaults=extra)
            if created or given_password:
                user.set_password(password)
                user.save(update_fields=["password"])
                made.append(email)
            return user

        admin = account("admin@demo.local", name="관리자(시연)", is_staff=True)
        admin.groups.add(role_group(ADMINISTRATORS))
        for row in districts:
            if row.get("level") == District.Level.NATIONAL:  # the state's entries are kept by administrators
                continue
            district = District.objects.get(slug=row["slug"])
            officer = account(f"officer.{district.slug}@demo.local", name=f"{district.name} 담당자(시연)")
            assignment_grant(user=officer, role=Role.OFFICER, district=district, via=Assignment.Via.SEED)
            reviewer = account(f"reviewer.{district.slug}@demo.local", name=f"{district.name} 심사자(시연)")
            assignment_grant(user=reviewer, role=Role.REVIEWER, district=district, via=Assignment.Via.SEED)
        self._demo_resident(account)
        if made:
            self.stdout.write(f"seed --demo: {', '.join(made)} — password: {password}")
        else:
            self.stdout.write("seed --demo: demo accounts already exist (pass --password to reset them)")
        self._demo_second_factor(users.filter(email__endswith="@demo.local", is_staff=True))

    def _demo_second_factor(self, staff):
        """The admin asks staff for an authenticator app's code: the demo staff accounts that have none get one TOTP
        secret between them, printed once (an authenticator app, or `oathtool --totp -b SECRET`, makes the codes)."""
        from base64 import b32encode

        from django_otp.plugins.otp_totp.models import TOTPDevice
        from django_otp.util import random_hex

        enrolled = TOTPDevice.objects.filter(user__in=staff, confirmed=True).values("user_id")
        missing = list(staff.exclude(pk__in=enrolled))
        if not missing:
            return
        key = random_hex(20)
        TOTPDevice.objects.bulk_create(
            [TOTPDevice(user=user, name="시연용 인증 앱", key=key, confirmed=True) for user in missing]
        )
        secret = b32encode(bytes.fromhex(key)).decode()
        self.stdout.write(
            f"seed --demo: the admin's second factor for {len(missing)} demo staff accounts — TOTP secret: {secret}"
            f" (add it to an authenticator app, or: oathtool --totp -b {secret})"
        )
