"""The admin's WordPress page (superusers only): upload an export to import
it in the background and follow its progress, or download this blog as WXR."""

import io
import secrets
import tempfile
from functools import wraps

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comments.wordpress import export
from comments.wordpress.models import WxrImport
from comments.wordpress.tasks import run_import

RECENT = 10


def superuser_only(view):
    @wraps(view)
    def checked(request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return checked


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("WordPress export (WXR, .xml or .xml.gz)"),
        help_text=_("WordPress: Tools → Export → All content."),
    )
    dry_run = forms.BooleanField(
        label=_("Only try: report what would be imported, change nothing"), required=False
    )


@superuser_only
def index(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = _store(form.cleaned_data["file"], form.cleaned_data["dry_run"], request.user)
        return redirect("wordpress:detail", job.pk)
    return TemplateResponse(
        request,
        "wordpress/admin/index.html",
        {"form": form, "imports": WxrImport.objects.all()[:RECENT]},
    )


def _store(upload, dry_run, user):
    """Keep the upload where the worker finds it, then queue the import."""
    folder = settings.WXR_IMPORT_DIR
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{timezone.now():%Y%m%d-%H%M%S}-{secrets.token_hex(8)}.wxr"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    job = WxrImport.objects.create(
        file_name=upload.name[:200], stored_as=str(path), dry_run=dry_run, started_by=user
    )
    transaction.on_commit(lambda: run_import.enqueue(job.pk))
    return job


@superuser_only
def detail(request, pk):
    job = get_object_or_404(WxrImport, pk=pk)
    running = job.state in (WxrImport.State.QUEUED, WxrImport.State.RUNNING)
    return TemplateResponse(
        request, "wordpress/admin/detail.html", {"job": job, "running": running}
    )


@superuser_only
def download(request):
    """This blog as WXR 1.2 (emails included: superusers only), written to a
    temporary file first, so that a failure is an error page, not half a file."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    text = io.TextIOWrapper(spool, encoding="utf-8", newline="\n")
    export.export(text)
    text.flush()
    text.detach()
    spool.seek(0)
    response = FileResponse(
        spool,
        as_attachment=True,
        filename=f"kommentar-{timezone.now():%Y-%m-%d}.xml",
        content_type="application/xml; charset=utf-8",
    )
    response["Cache-Control"] = "private, no-store"
    return response
