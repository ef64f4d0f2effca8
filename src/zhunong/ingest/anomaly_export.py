"""The anomaly report as an .xlsx download (per import, or per region and year)."""

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

HEADER = ["异常类型", "单位编码", "单位名称", "区划代码", "年度", "说明"]


def anomalies_xlsx(rows: list[dict], title: str, total: int) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("异常")
    ws.append([WriteOnlyCell(ws, value=title)])
    header = []
    for name in HEADER:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    for r in rows:
        cells = []
        for value in (
            r["label"],
            r["unit_code"],
            r["unit_name"],
            r["region"],
            r["year"],
            r["detail"],
        ):
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            cells.append(cell)
        ws.append(cells)
    if total > len(rows):
        ws.append([f"共 {total} 条，此处列出前 {len(rows)} 条"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
