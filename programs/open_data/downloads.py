"""The catalogue as files: /programs.csv (UTF-8 with a BOM, so Excel in Korea opens it) and /programs.json.

Both take the query string of /programs/ (the same filters, results and order; unknown values are ignored, as
there) and carry a "last updated" stamp: when the catalogue last changed, in a column / field and as the
Last-Modified header. Conditional requests (ETag, If-Modified-Since) get a 304. The whole catalogue, the usual
download, is built once per catalogue revision and day and then served from the cache.
"""

import csv
import hashlib
import io
import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from . import records, selectors

FILENAME = "gwangju-family-programs"
TITLE = "맘(MOM)편한 광주: 광주광역시·자치구 생애주기별 가족지원 사업"


def _site(request) -> str:
    return request.build_absolute_uri("/")[:-1]


def _download(request, kind: str, render) -> HttpResponse:
    stamp = selectors.catalogue_stamp(request)
    day = timezone.localdate()
    query = request.META.get("QUERY_STRING", "")
    digest = hashlib.sha1(query.encode(), usedforsecurity=False).hexdigest()[:16]  # a cache key
    # The day is part of the version: "open now" and today's operating status change at midnight.
    etag = f'"{kind}-{request.catalogue_revision}-{day:%Y%m%d}-{digest}"'
    last_modified = int(stamp.timestamp()) if stamp else None
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if not_modified is not None:
        return not_modified
    site = _site(request)
    key = f"open-data:{kind}:{request.catalogue_revision}:{day}:{site}"
    cacheable = not query and settings.CATALOGUE_CACHE_SECONDS > 0  # the whole catalogue, the usual download
    body = cache.get(key) if cacheable else None
    if body is None:
        result, programs = selectors.program_export(request, request.GET)
        body = render(request, result, [records.program_record(p, site=site) for p in programs], stamp)
        if cacheable:
            cache.set(key, body, settings.CATALOGUE_CACHE_SECONDS)
    content_type, disposition = {
        "csv": ("text/csv; charset=utf-8", "attachment"),
        "json": ("application/json; charset=utf-8", "inline"),
    }[kind]
    response = HttpResponse(body, content_type=content_type)
    stamp_day = timezone.localtime(stamp).strftime("%Y%m%d") if stamp else f"{day:%Y%m%d}"
    response["Content-Disposition"] = f'{disposition}; filename="{FILENAME}-{stamp_day}.{kind}"'
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = "public, max-age=300"
    return response


def _stamp_text(stamp) -> str:
    return timezone.localtime(stamp).isoformat(timespec="seconds") if stamp else ""


def _render_csv(request, result, rows, stamp) -> bytes:
    out = io.StringIO()
    out.write("\ufeff")  # the BOM: without it Excel reads UTF-8 as the legacy Korean code page and garbles it
    writer = csv.writer(out)
    writer.writerow(records.CSV_HEADER)
    stamp_text = _stamp_text(stamp)
    for record in rows:
        writer.writerow(records.csv_row(record, stamp_text))
    return out.getvalue().encode("utf-8")


def _render_json(request, result, rows, stamp) -> bytes:
    query = request.GET.urlencode()
    data = {
        "title": TITLE,
        "last_updated": _stamp_text(stamp) or None,
        "count": len(rows),
        "filters": result.active,
        "sort": result.sort,
        "source": _site(request) + reverse("programs:list") + (f"?{query}" if query else ""),
        "api": _site(request) + reverse("api:program-list"),
        "field_names": {"dataset": records.DATASET_NAME, "reference": records.DATASET_URL},
        "programs": rows,
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@login_not_required
@require_safe
def catalogue_csv(request):
    return _download(request, "csv", _render_csv)


@login_not_required
@require_safe
def catalogue_json(request):
    return _download(request, "json", _render_json)
