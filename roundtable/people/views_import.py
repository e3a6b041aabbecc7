"""Uploading the household register (居民花名册) from the staff workspace."""

import io
from pathlib import Path

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from roundtable.places.models import Community

from . import register_import
from .permissions import Perm, communities_in_scope, may_anywhere

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# An .xlsx is a zip archive; these are the first bytes of every one.
ZIP_MAGIC = b"PK\x03\x04"


class RegisterUploadForm(forms.Form):
    community = forms.ModelChoiceField(
        label=gettext_lazy("Community"), queryset=Community.objects.none(), empty_label=None
    )
    file = forms.FileField(
        label=gettext_lazy("Register file (.xlsx or .csv)"),
        widget=forms.FileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    dry_run = forms.BooleanField(label=gettext_lazy("Check only, do not write"), required=False)

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = Community.objects.filter(
            pk__in=[c.pk for c in communities]
        )
        self.only_community = communities[0] if len(communities) == 1 else None
        if self.only_community:
            del self.fields["community"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in (".xlsx", ".csv"):
            message = _("“%(name)s” is not a spreadsheet: choose an .xlsx or .csv file.")
            raise ValidationError(message % {"name": upload.name})
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is larger than 10 MB: split it by compound."))
        if not _content_matches(upload, suffix):
            message = _(
                "The content of “%(name)s” is not an Excel workbook or CSV text: "
                "save it again from Excel as .xlsx or “CSV UTF-8”."
            )
            raise ValidationError(message % {"name": upload.name})
        return upload

    def clean(self):
        data = super().clean()
        if self.only_community:
            data["community"] = self.only_community
        return data


def _content_matches(upload, suffix):
    """Whether the first bytes fit the name: a zip for .xlsx, text without NUL bytes for .csv."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if suffix == ".xlsx":
        return head.startswith(ZIP_MAGIC)
    return b"\x00" not in head


@login_required
@require_http_methods(["GET", "POST"])
def import_register(request):
    """Upload a register: every problem by row and column, or what the import changed."""
    communities = list(communities_in_scope(request.user, Perm.IMPORT_REGISTER))
    if not communities:
        raise PermissionDenied
    bound = (request.POST, request.FILES) if request.method == "POST" else ()
    form = RegisterUploadForm(*bound, communities=communities)
    report, errors = None, []
    if form.is_bound and form.is_valid():
        report, errors = _run_import(form, request.user)
    context = {"form": form, "report": report, "errors": errors, "shown_errors": errors[:200]}
    status = 400 if form.errors or errors else 200
    return render(request, "people/import_register.html", context, status=status)


def _run_import(form, user):
    """The report, or the problems that stopped the import (then nothing was written)."""
    upload = form.cleaned_data["file"]
    try:
        report = register_import.import_register(
            upload,
            upload.name,
            community=form.cleaned_data["community"],
            by=user,
            dry_run=form.cleaned_data["dry_run"],
        )
    except register_import.ImportFailed as failure:
        return None, failure.errors
    return report, []


@login_required
@require_GET
def register_template(request):
    """A blank register to fill in: the header row and two example rows."""
    if not may_anywhere(request.user, Perm.IMPORT_REGISTER):
        raise PermissionDenied
    return FileResponse(
        io.BytesIO(register_import.template_workbook()),
        as_attachment=True,
        filename="居民花名册模板.xlsx",
        content_type=XLSX_TYPE,
    )
