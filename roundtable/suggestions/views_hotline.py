"""Uploading a 12345 hotline export from the staff workspace."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from roundtable.people.permissions import Perm, communities_in_scope
from roundtable.people.views_import import RegisterUploadForm

from .hotline import ImportFailed, import_hotline


class HotlineUploadForm(RegisterUploadForm):
    """The register upload's checks (type, size, content) with the hotline's labels."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = gettext_lazy("12345 export (.xlsx or .csv)")


@login_required
@require_http_methods(["GET", "POST"])
def hotline(request):
    """Upload a 12345 export: every problem by row and column, or what the import created."""
    communities = list(communities_in_scope(request.user, Perm.TRIAGE))
    if not communities:
        raise PermissionDenied
    bound = (request.POST, request.FILES) if request.method == "POST" else ()
    form = HotlineUploadForm(*bound, communities=communities)
    report, errors = None, []
    if form.is_bound and form.is_valid():
        upload, data = form.cleaned_data["file"], form.cleaned_data
        try:
            report = import_hotline(
                upload,
                upload.name,
                community=data["community"],
                by=request.user,
                dry_run=data["dry_run"],
            )
        except ImportFailed as failure:
            errors = failure.errors
    context = {"form": form, "report": report, "errors": errors, "shown_errors": errors[:200]}
    status = 400 if form.errors or errors else 200
    return render(request, "suggestions/hotline_import.html", context, status=status)
