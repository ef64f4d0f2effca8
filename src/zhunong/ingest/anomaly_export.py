"""The anomaly report as an .xlsx download (per import, or per region and year)."""

from openpyxl.styles import Font

from zhunong.spreadsheets import append, cell, workbook, xlsx_bytes

HEADER = ["严重程度", "异常类型", "单位编码", "单位名称", "区划代码", "年度", "说明"]
KEYS = ["severity_label", "label", "unit_code", "unit_name", "region", "year", "detail"]


def anomalies_xlsx(rows: list[dict], title: str, total: int) -> bytes:
    wb = workbook(write_only=True)
    ws = wb.create_sheet("异常")
    append(ws, [title])
    append(ws, [cell(ws, name, font=Font(bold=True)) for name in HEADER])
    for r in rows:
        append(ws, [r.get(key, "") for key in KEYS])  # reports stored before severities: blank
    if total > len(rows):
        append(ws, [f"共 {total} 条，此处列出前 {len(rows)} 条"])
    return xlsx_bytes(wb)
