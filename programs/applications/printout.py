"""A submitted application on paper (issue 17, part 6): the same content for the resident and the reviewer — the
program, the reference, the applicant, the answers as they were asked, the documents' list (names, never the files)
and the status history the resident sees (never internal notes).

Two forms of it: a print page (the site's own page; print.css drops the chrome, so a browser's print needs no
JavaScript) and a PDF made here on the server with WeasyPrint, in Pretendard GOV (the site's font, whole, from
node_modules; Noto Sans CJK, which CI installs for Chromium, where it is missing). WeasyPrint fetches nothing but
the font files named below: a resident's answer can never make the server open a URL.
"""

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from ..models import Application
from . import selectors
from .display import snapshot_proxy, snapshot_rows

FONT_DIR = Path(settings.BASE_DIR) / "node_modules" / "pretendard-gov" / "dist" / "public" / "static" / "alternative"
FONTS = {400: FONT_DIR / "PretendardGOV-Regular.ttf", 700: FONT_DIR / "PretendardGOV-Bold.ttf"}
STYLESHEET = Path(__file__).with_name("printout.css")


def printable(application: Application) -> bool:
    """Only what was submitted has a printout: a draft has no reference and no snapshot yet."""
    return application.submitted_at is not None


def printout_context(application: Application) -> dict:
    snapshot = application.snapshot or {}
    form = getattr(application.program, "application_form", None)
    return {
        "application": application,
        "program": application.program,
        "applicant": snapshot.get("applicant", {}),
        "proxy": snapshot_proxy(snapshot),
        "rows": snapshot_rows(snapshot),
        "documents": application.documents.order_by("uploaded_at", "pk"),
        "events": selectors.timeline(application),
        "made_at": timezone.localtime(),
        "demonstration": form is not None and form.demonstration,
    }


def _font_faces() -> str:
    faces = []
    for weight, path in FONTS.items():
        if path.exists():
            faces.append(
                f"@font-face {{ font-family: 'Pretendard GOV'; font-weight: {weight}; src: url('{path.as_uri()}'); }}"
            )
    return "\n".join(faces)


def fetch_allowed(url: str) -> bool:
    """WeasyPrint fetches the font files and nothing else (an address in an answer is never opened)."""
    return url in {path.as_uri() for path in FONTS.values()}


def _fetcher():
    from weasyprint.urls import URLFetcher  # with WeasyPrint itself: see printout_pdf

    class FontsOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if not fetch_allowed(url):
                raise ValueError(f"printout: not fetched: {url[:80]}")
            return super().fetch(url, headers)

    return FontsOnly(allowed_protocols={"file"})


def printout_pdf(context: dict) -> bytes:
    """The printout as PDF bytes (fonts embedded and subset by WeasyPrint)."""
    from weasyprint import CSS, HTML  # imported here: loading Pango costs ~1 s at start, and only this view needs it
    from weasyprint.text.fonts import FontConfiguration

    html = render_to_string("applications/printout_pdf.html", context)
    fetcher, fonts = _fetcher(), FontConfiguration()  # @font-face rules are read only with a FontConfiguration
    stylesheet = _font_faces() + "\n" + STYLESHEET.read_text(encoding="utf-8")
    css = CSS(string=stylesheet, url_fetcher=fetcher, font_config=fonts)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[css], font_config=fonts)


def printout_filename(application: Application) -> str:
    return f"application-{application.reference or application.public_id}.pdf"
