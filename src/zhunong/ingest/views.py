"""Import pages for finance bureaus: upload, progress, report, anomalies, export."""

import tempfile
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from zhunong import access, sorting
from zhunong.clock import today
from zhunong.spreadsheets import xlsx_response

from . import services
from .anomalies import anomalies_in_region
from .anomaly_export import anomalies_xlsx
from .batches_export import batches_xlsx
from .exporter import write_xlsx
from .forms import UploadForm, YearForm
from .models import ImportBatch
from .tasks import run_import
from .template import template_workbook


def _top_managed_regions(user):
    """The regions a bureau manages that are not inside another one it manages."""
    regions = list(access.managed_regions(user).order_by("path"))
    if access.reach_of(user).everything:
        return [r for r in regions if r.parent_id is None]
    tops = []
    for r in regions:
        if not any(r.path.startswith(t.path) for t in tops):
            tops.append(r)
    return tops


@login_required
def import_list(request):
    """The imports in reach, newest first, 30 a page, sorted by a column head."""
    batches = access.visible_import_batches(request.user).select_related("region", "uploaded_by")
    sort = sorting.chosen(request, IMPORT_SORTS)
    batches = sorting.ordered(batches, sort, IMPORT_SORTS)
    if request.GET.get("format") == "xlsx":  # hundreds of imports at most: built at once
        title = _("平台数据导入（导出于%(d)s）") % {"d": date_format(today(), "Y年n月j日")}
        return xlsx_response(batches_xlsx(title, batches), f"imports-{today().isoformat()}.xlsx")
    page = Paginator(batches, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "ingest/import_list.html",
        {
            "page": page,
            "can_import": access.managed_regions(request.user).exists(),
            **sorting.queries_for(request, sort),
        },
    )


IMPORT_SORTS = {
    "uploaded": ("created_at",),
    "file": ("file_name",),
    "region": ("region_id",),
    "state": (sorting.in_order_of("state", ImportBatch.State),),
}
"""The import list's columns a reader may sort by (its own order: newest first)."""


@login_required
def import_new(request):
    regions = _top_managed_regions(request.user)
    if not regions:
        raise PermissionDenied(_("只有财政部门可以导入平台数据。"))
    form = UploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        regions=regions,
    )
    if request.method == "POST" and form.is_valid():
        region = next(r for r in regions if r.code == form.cleaned_data["region"])
        upload = form.cleaned_data["file"]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / Path(upload.name).name
            with open(path, "wb") as f:
                for chunk in upload.chunks():
                    f.write(chunk)
            batch = services.batch_create(
                actor=request.user, path=path, file_name=upload.name, region=region, keep=True
            )
        run_import.enqueue(batch.pk)
        return redirect("import-detail", batch_id=batch.pk)
    return render(request, "ingest/import_new.html", {"form": form})


def _batch(request, batch_id):
    return access.get_visible_or_404(
        access.visible_import_batches(request.user).select_related("region", "uploaded_by"),
        pk=batch_id,
    )


@login_required
def import_detail(request, batch_id):
    batch = _batch(request, batch_id)
    return render(request, "ingest/import_detail.html", {"batch": batch, **_status(batch)})


@login_required
def import_status(request, batch_id):
    """The part of the import page that htmx polls until the import is done."""
    batch = _batch(request, batch_id)
    return render(request, "ingest/_import_status.html", {"batch": batch, **_status(batch)})


def _status(batch) -> dict:
    progress = services.batch_progress(batch)
    percent = int(100 * progress["done"] / progress["total"]) if progress["total"] else 0
    return {"progress": progress, "percent": min(percent, 100), "report": batch.report}


@login_required
def import_anomalies_xlsx(request, batch_id):
    batch = _batch(request, batch_id)
    report = batch.report or {}
    data = anomalies_xlsx(
        report.get("anomalies", []),
        _("导入 %(name)s 的异常报告") % {"name": batch.file_name},
        report.get("anomaly_count", 0),
    )
    return xlsx_response(data, f"异常报告-导入{batch.pk}.xlsx")


@login_required
def import_template(request):
    return xlsx_response(template_workbook(), "平台数据导入模板.xlsx")


@login_required
def region_anomalies(request, code):
    region = access.get_visible_or_404(access.visible_regions(request.user), code=code)
    form = YearForm(request.GET or {"year": today().year})
    year = form.cleaned_data["year"] if form.is_valid() else today().year
    rows, total = anomalies_in_region(region, year, access.visible_units(request.user))
    if request.GET.get("format") == "xlsx":
        title = _("%(region)s %(year)s年度异常报告") % {"region": region.name, "year": year}
        return xlsx_response(
            anomalies_xlsx(rows, title, total), f"异常报告-{region.code}-{year}.xlsx"
        )
    return render(
        request,
        "ingest/region_anomalies.html",
        {"region": region, "year": year, "rows": rows, "total": total, "form": form},
    )


@login_required
def region_export(request, code):
    region = access.get_visible_or_404(access.visible_regions(request.user), code=code)
    access.require_region_manager(request.user, region)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.xlsx"
        write_xlsx(path, region)
        data = path.read_bytes()
    return xlsx_response(data, f"平台数据-{region.code}-{today().isoformat()}.xlsx")
