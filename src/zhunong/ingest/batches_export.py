"""The import list as an Excel sheet: every import in the person's reach, in the list's order,
with what identifies its file (name, size, SHA-256) and how it ended."""

from django.utils import timezone
from django.utils.translation import gettext as _

from zhunong.spreadsheets import append, cell, widths, workbook, xlsx_bytes


def header() -> list[str]:
    return [
        _("批次号"),
        _("上传时间"),
        _("文件名"),
        _("大小（字节）"),
        "SHA-256",
        _("导入范围"),
        _("导入人"),
        _("状态"),
        _("错误数"),
        _("异常数"),
        _("完成时间"),
    ]


def batches_xlsx(title: str, batches) -> bytes:
    """One sheet: the title, the header, a row per import — times in Beijing time as Excel
    date-times, counts as numbers."""
    wb = workbook(write_only=True)
    ws = wb.create_sheet(_("导入"))
    names = header()
    widths(ws, names)
    ws.column_dimensions["C"].width = 40
    ws.column_dimensions["E"].width = 66
    append(ws, [title])
    append(ws, names)

    def moment(value):
        if value is None:
            return None
        local = timezone.localtime(value).replace(tzinfo=None)
        return cell(ws, local, number_format="yyyy-mm-dd hh:mm")

    for b in batches:
        report = b.report or {}
        append(
            ws,
            [
                b.pk,
                moment(b.created_at),
                b.file_name,
                b.size,
                b.checksum,
                b.region.name if b.region else "",
                str(b.uploaded_by) if b.uploaded_by else _("命令行"),
                str(b.get_state_display()),
                report.get("error_count", 0),
                report.get("anomaly_count", 0),
                moment(b.finished_at),
            ],
        )
    return xlsx_bytes(wb)
