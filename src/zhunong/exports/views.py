"""An export's page (its progress, then its file) and the file itself: for its owner only."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render

from zhunong import access

from .models import Export
from .services import fail_stuck, file_of


def _export(request, export_id) -> Export:
    visible = access.visible_exports(request.user)
    fail_stuck(visible.filter(pk=export_id))
    return access.get_visible_or_404(visible, pk=export_id)


@login_required
def export_detail(request, export_id):
    return render(request, "exports/export_detail.html", {"export": _export(request, export_id)})


@login_required
def export_status(request, export_id):
    """The part of the page that htmx polls until the file is ready."""
    return render(request, "exports/_export_status.html", {"export": _export(request, export_id)})


@login_required
def export_download(request, export_id):
    export = _export(request, export_id)
    path = file_of(export)
    if export.state != Export.State.DONE or export.is_expired or not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=export.file_name)


@login_required
def export_list(request):
    fail_stuck(access.visible_exports(request.user))
    exports = access.visible_exports(request.user)[:50]
    return render(request, "exports/export_list.html", {"exports": exports})
