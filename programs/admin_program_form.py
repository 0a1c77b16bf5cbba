"""The program's change form in the admin, as an officer reads it (issue 18):

- sections in the order an officer thinks: what it is → who → how much → how to apply → dates and status → sources
  and rules (the conditions, amounts and rule test cases follow as inlines); each English field sits beside its
  Korean one, so a translation is read and kept next to what it translates;
- long texts are text areas with a maximum length the browser enforces and the length shown as help text ("12 /
  300자", static/admin_extra/char_count.js keeps it live where JavaScript runs); a one-line text (a model
  CharField) stays one line whatever is typed: its line breaks become spaces;
- a save that changed a Korean text and left its English as it was is allowed, with a warning (stale_english).
A field of the model that no section names is shown under "그 밖의 항목" rather than left out.
"""

from django import forms
from django.contrib.admin.widgets import AdminTextareaWidget
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Program

# A CharField at least this long is edited in a text area: a one-line input cuts such a text off on the screen.
LONG_CHARFIELD = 200

# (title, description, lines): a line is a field name or a tuple of names shown side by side (Korean, English).
SECTIONS = [
    (_("1. 어떤 사업인가"), _("주민이 목록과 검색에서 처음 보는 내용입니다."), [
        "expected_version", ("title", "title_en"), ("slug", "provider", "kind"), ("summary", "summary_en"),
        ("body", "body_en"), "stages", "preview_link",
    ]),
    (_("2. 누가 받나"), _("조건 하나하나는 아래 ‘지원 조건’에 출처와 함께 적고, 여기에는 설명을 적습니다."), [
        ("eligibility_notes", "eligibility_notes_en"), ("selection", "selection_places"),
        ("selection_notes", "selection_notes_en"),
    ]),
    (_("3. 얼마나 받나"), _("금액은 아래 ‘지원 금액’에 출처와 함께 적고, 여기에는 구조로 못 적는 내용만 적습니다."), [
        ("benefit_text", "benefit_text_en"),
    ]),
    (_("4. 어떻게 신청하나"), None, [
        ("apply_online", "apply_in_person", "apply_by_phone"), "proxy_allowed", ("apply_url", "contact_phone"),
        ("apply_notes", "apply_notes_en"), ("required_documents", "required_documents_en"),
        ("contact_office", "contact_office_en"),
        ("location", "location_en"), ("opening_hours", "opening_hours_en"), ("processing_days", "retention_years"),
    ]),
    (_("5. 날짜와 상태"), None, [
        ("window_start", "window_end"), ("window_from_birth_days", "window_until_birth_days"),
        ("window_note", "window_note_en"), ("operating_status", "status_since"), ("status_note", "status_note_en"),
        ("publication", "publish_on", "closes_on"), "last_verified", ("created_at", "updated_at"),
    ]),
    (_("6. 출처와 규칙"), _("지원 조건, 지원 금액, 규칙 시험 사례는 이 아래에 있습니다."), [
        ("window_source", "window_quote"), ("status_source", "status_quote"), ("apply_source", "apply_quote"),
        ("legal_basis", "sources"), ("rules_year", "eligibility_match", "rules_complete"),
    ]),
]  # fmt: skip


def program_fieldsets(known) -> list:
    """SECTIONS narrowed to the names in `known` (the form's fields and the read-only ones), and every name in
    `known` that no section places, in a last section: a field added to the model is never silently left out."""
    known = list(known)
    placed: set[str] = set()
    fieldsets = []
    for title, description, lines in SECTIONS:
        kept = []
        for line in lines:
            names = tuple(n for n in (line if isinstance(line, tuple) else (line,)) if n in known)
            placed.update(names)
            if names:
                kept.append(names if len(names) > 1 else names[0])
        options = {"fields": kept}
        if description:
            options["description"] = description
        fieldsets.append((title, options))
    rest = [name for name in known if name not in placed]
    if rest:
        fieldsets.append((_("그 밖의 항목"), {"fields": rest}))
    return fieldsets


def program_form_fields() -> list[str]:
    """The model's fields an officer edits, in the model's order."""
    return [
        f.name
        for f in Program._meta.get_fields()
        if (f.concrete or f.many_to_many) and not f.auto_created and getattr(f, "editable", False)
    ]


class CountedTextarea(AdminTextareaWidget):
    """A text area that shows its length (help text, kept live by static/admin_extra/char_count.js). With
    `one_line`, line breaks are taken as spaces: the model keeps one line, and the maximum counts what is kept."""

    def __init__(self, *, max_length=None, one_line=False, rows=3):
        attrs = {"rows": rows, "cols": 40, "data-char-count": ""}
        if max_length:
            attrs["maxlength"] = max_length
        super().__init__(attrs=attrs)
        self.one_line = one_line

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        if self.one_line and isinstance(value, str):
            value = " ".join(value.splitlines())
        return value


def length_pattern(max_length) -> str:
    """"%(n)s / 300자" (or "%(n)s자" for a text without a maximum), translated; %(n)s stays for the count."""
    if max_length:
        return gettext("%(n)s / %(max)s자").replace("%(max)s", f"{max_length:,}")
    return gettext("%(n)s자")


def count_long_texts(form) -> None:
    """Long texts of `form` (a ModelForm) become counted text areas with their length in the help text."""
    opts = form._meta.model._meta
    for name, field in form.fields.items():
        try:
            model_field = opts.get_field(name)
        except FieldDoesNotExist:  # a form field of its own, e.g. expected_version
            continue
        if model_field.choices or type(model_field) not in (models.CharField, models.TextField):
            continue
        one_line = type(model_field) is models.CharField
        # An English field follows its Korean one: both one line, or both text areas.
        korean = opts.get_field(name.removesuffix("_en")) if name.endswith("_en") else model_field
        if one_line and (getattr(korean, "max_length", None) or 0) < LONG_CHARFIELD:
            continue
        max_length = model_field.max_length
        bound = form[name]
        text = str(bound.value() or "")
        # As tall as what it holds (about 40 characters a line at half the form's width), within limits.
        rows = min(12, max(3 if one_line else 4, sum(len(line) // 40 + 1 for line in text.splitlines()) + 1))
        field.widget = CountedTextarea(max_length=max_length, one_line=one_line, rows=rows)
        pattern = length_pattern(max_length)
        count = format_html(
            '<span class="char-count" id="{}_count" data-format="{}">{}</span>',
            bound.auto_id,
            pattern,
            pattern.replace("%(n)s", f"{len(text.replace(chr(13), '')):,}"),
        )
        field.help_text = format_html("{} {}", field.help_text, count) if field.help_text else count
        bound.help_text = field.help_text  # a BoundField keeps the help text it was made with


def stale_english(form) -> list[str]:
    """The labels of the Korean texts `form` changed while their English, which has text, stayed as it was."""
    if not form.is_bound or not hasattr(form, "cleaned_data"):
        return []
    stale = []
    for name in form.changed_data:
        english = f"{name}_en"
        kept = english in form.fields and english not in form.changed_data
        if kept and str(form.cleaned_data.get(english) or "").strip():
            stale.append(str(form.fields[name].label))
    return stale


def describe_changes(program: Program, since_version: int) -> str:
    """What changed in `program` after the version an editor started from: 'field: before → after', ..."""
    records = program.history.order_by("-history_date")
    base = records.filter(version__lte=since_version).first()
    latest = records.first()
    if base is None or latest is None or base.pk == latest.pk:
        return gettext("다른 담당자가 이 사업을 먼저 수정했습니다.")
    delta = latest.diff_against(base)
    parts = [
        f"{Program._meta.get_field(c.field).verbose_name}: {c.old or '—'} → {c.new or '—'}"
        for c in delta.changes
        if c.field != "version"
    ]
    return "; ".join(parts) or gettext("다른 담당자가 이 사업을 먼저 수정했습니다.")


class CountedForm(forms.ModelForm):
    """A ModelForm whose long texts show their length (the inlines' conditions, amounts and quotes)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        count_long_texts(self)


class ProgramForm(forms.ModelForm):
    # The version this form was filled from; a save from an outdated version is refused.
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Why the same save was refused a moment ago (ProgramAdmin.changeform_view): shown above the form, which keeps
    # everything the officer entered.
    refused_because: tuple[str, ...] = ()

    class Meta:
        model = Program
        fields = "__all__"  # noqa: DJ007 (the ModelAdmin decides which fields an editor gets)
        # Checkboxes, not the admin's two-list selector: a handful of stages, readable without JavaScript (and the
        # selector's help icon carries an aria-label a plain span may not have: axe's aria-prohibited-attr).
        widgets = {"stages": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The current version, also when the form shows an older version from the history (restore).
            current = Program.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            self.fields["expected_version"].initial = current
            if "stages" in self.instance.pending_changes and "stages" in self.fields:
                self.initial["stages"] = self.instance.pending_changes["stages"]
        count_long_texts(self)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and "operating_status" in self.changed_data:
            # A status change is dated and explained: residents see both on the page.
            if "status_since" not in self.changed_data or not cleaned.get("status_since"):
                cleaned["status_since"] = self.instance.status_since = timezone.localdate()
            if not cleaned.get("status_note"):
                self.add_error("status_note", gettext("운영 상태를 바꾼 까닭을 주민이 알 수 있게 적어 주세요."))
        if self.instance.pk:
            current = Program.objects.select_for_update().get(pk=self.instance.pk)
            expected = cleaned.get("expected_version")
            if expected != current.version:
                raise ValidationError(
                    gettext(
                        "저장하지 않았습니다. 이 화면을 연 뒤 다른 담당자가 먼저 수정했습니다: %(changes)s. "
                        "최신 내용을 다시 불러와 수정하세요."
                    )
                    % {"changes": describe_changes(current, expected or 0)},
                    code="stale",
                )
            self.instance.version = current.version + 1
        if self.refused_because:
            raise ValidationError(list(self.refused_because), code="unsourced")
        return cleaned
