"""Load the seed catalogue from fixtures/catalogue.json.

Idempotent: records are matched by slug. A missing record is created; an existing one is left as it is (officers
own it once it exists) unless --update is given, which rewrites the fields that differ from the fixture.
A second run changes nothing and says so.
"""

import datetime
import json
import secrets
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction

from districts.models import District
from programs.models import ApplicationForm, LifeStage, Program, Question, RequiredDocument

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "catalogue.json"


def _coerce(model, name, value):
    field = model._meta.get_field(name)
    if isinstance(field, models.DateField) and isinstance(value, str):
        return datetime.date.fromisoformat(value)
    return value


class Command(BaseCommand):
    help = "Load the seed catalogue (stages, districts, programs) from fixtures/catalogue.json; safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--update", action="store_true", help="overwrite existing records where they differ")
        parser.add_argument("--file", default=str(FIXTURE), help="catalogue JSON (default: fixtures/catalogue.json)")
        parser.add_argument("--demo", action="store_true", help="also create demo staff accounts (DEBUG only)")
        parser.add_argument("--password", help="password of the demo accounts (default: a random one, printed)")

    def handle(self, *args, **options):
        if options["demo"] and not settings.DEBUG:
            raise CommandError("seed --demo creates accounts with known passwords: it refuses to run with DEBUG off.")
        path = Path(options["file"])
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        self.update = options["update"]
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        with transaction.atomic():
            stages, districts = {}, {}
            for row in data["stages"]:
                stages[row["slug"]], status = self._upsert(LifeStage, row)
                counts[status] += 1
            for row in data["districts"]:
                districts[row["slug"]], status = self._upsert(District, row)
                counts[status] += 1
            for row in data["programs"]:
                row = dict(row)
                try:
                    wanted = {stages[s] for s in row.pop("stages")}
                    row["provider"] = districts[row["provider"]]
                except KeyError as exc:
                    raise CommandError(f"program {row['slug']}: unknown stage or district {exc}") from exc
                program, status = self._upsert(Program, row)
                if (status == "created" or self.update) and set(program.stages.all()) != wanted:
                    program.stages.set(wanted)
                    status = "created" if status == "created" else "updated"
                counts[status] += 1
            for row in data.get("application_forms", []):
                counts[self._form(row)] += 1
        if options["demo"]:
            self._demo_accounts(options["password"], data["districts"])
        if counts["created"] == 0 and counts["updated"] == 0:
            self.stdout.write(
                f"seed: nothing to do, the catalogue is already loaded ({counts['unchanged']} records unchanged)"
            )
        else:
            self.stdout.write(
                f"seed: {counts['created']} created, {counts['updated']} updated, {counts['unchanged']} unchanged"
            )

    def _form(self, row) -> str:
        """A program's online application form: created once; replaced only with --update (officers edit it)."""
        program = Program.objects.filter(slug=row["program"]).first()
        if program is None:
            raise CommandError(f"application form: unknown program {row['program']}")
        form = ApplicationForm.objects.filter(program=program).first()
        if form is not None and (not self.update or self._form_as_row(form) == self._form_as_row(row)):
            return "unchanged"
        status = "created" if form is None else "updated"
        form = form or ApplicationForm(program=program)
        form.intro, form.intro_en = row.get("intro", ""), row.get("intro_en", "")
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
            return form.get("intro", ""), form.get("intro_en", ""), questions, documents
        questions = [tuple(getattr(q, f) for f in q_fields) for q in form.questions.all()]
        documents = [tuple(getattr(d, f) for f in d_fields) for d in form.documents.all()]
        return form.intro, form.intro_en, questions, documents

    def _upsert(self, model, row):
        """Returns (object, "created" | "updated" | "unchanged")."""
        values = {k: _coerce(model, k, v) for k, v in row.items() if k != "slug"}
        obj = model.objects.filter(slug=row["slug"]).first()
        if obj is None:
            obj = model(slug=row["slug"], **values)
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

    def _demo_resident(self, account):
        """resident@demo.local: 김광주 of 서구, email verified and the required consent given, ready to apply."""
        from django.utils import timezone

        from portal.consent import REQUIRED, consent_missing, consent_record

        seo_gu = District.objects.get(slug="seo-gu")
        resident = account("resident@demo.local", name="김광주", district=seo_gu, email_verified_at=timezone.now())
        if consent_missing(resident):
            consent_record(user=resident, answers=dict.fromkeys(REQUIRED, True))

    def _demo_accounts(self, given_password, districts):
        """officer.<district>@demo.local and reviewer.<district>@demo.local for every district and the city;
        admin@demo.local (administrator);
        resident@demo.local (a resident). Existing demo accounts keep their password unless --password is given."""
        from django.contrib.auth import get_user_model

        from districts.access import ADMINISTRATORS
        from districts.models import Assignment, Role
        from districts.roles import role_group
        from districts.services import assignment_grant

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
