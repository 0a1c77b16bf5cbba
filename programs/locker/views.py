"""The resident's documents locker at /me/documents/ (sign-in required, as every page not marked public): list,
keep a document, download, delete. Every kept document is fetched through selectors.kept_or_404(request.user, …):
anybody else's is a 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from portal.ratelimit import by_account, carries_files, rate_limit

from .. import documents as files
from ..applications.views import storage_message, storage_unavailable
from . import forms, selectors, services


@require_http_methods(["GET", "HEAD", "POST"])
@rate_limit("upload", key=by_account, when=carries_files)
def locker(request):
    form = forms.KeptUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                kept = services.kept_add(owner=request.user, kind=data["kind"], issued_on=data["issued_on"],
                                         upload=data["file"])  # fmt: skip
            except ValidationError as error:
                form.add_error("file", error)
            except files.StorageUnavailable:
                form.add_error(None, storage_message())
                status = 503  # not the resident's mistake; what they typed stays on the page
            else:
                messages.success(request, _("%(kind)s을(를) 내 서류함에 보관했습니다.") % {"kind": kept.kind})
                return redirect("locker:list")
    context = {"form": form, "kept": selectors.kept_list(request.user), "kinds": forms.COMMON_KINDS}
    return render(request, "locker/locker.html", context, status=status)


@require_safe
def download(request, public_id):
    kept = selectors.kept_or_404(request.user, public_id)
    try:
        return files.document_response(kept)
    except files.DocumentDamaged:
        context = {"document": kept, "back_url": reverse("locker:list")}
        return render(request, "applications/document_damaged.html", context, status=409)
    except files.StorageUnavailable:
        return storage_unavailable(request, kept, back_url=reverse("locker:list"))


@require_POST
def delete(request, public_id):
    kept = selectors.kept_or_404(request.user, public_id)
    services.kept_delete(kept=kept)
    said = _("%(kind)s을(를) 내 서류함에서 지웠습니다. 이미 낸 신청에는 그 사본이 남습니다.")
    messages.success(request, said % {"kind": kept.kind})
    return redirect("locker:list")
