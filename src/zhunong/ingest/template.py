"""The template workbook offered on the upload page: every sheet with its Chinese headers, and a
sheet of instructions with an example of each."""

from openpyxl.styles import Font, PatternFill

from zhunong.spreadsheets import put, workbook, xlsx_bytes

from .spec import SHEETS

EXAMPLES = {
    "regions": ["410173", "郑州航空港经济综合实验区", "410100", "港区"],
    "units": [
        "4101050001",
        "金水区第一小学",
        "410105",
        "4101050000",
        "预算单位",
        "自有食堂",
        "",
        "正常",
        "",
    ],
    "accounts": ["jsq-yx-01", "4101050001", "交易账号", "2024-03-01", "2024-03-05"],
    "reservations": ["4101050001", "2025", "120000.00", "15", "18000.00", "2025-02-20", "已填报"],
    "transactions": [
        "832-20250301-0001",
        "4101050001",
        "1234.50",
        "2025-03-01",
        "2025-03-06",
        "食堂",
        "兰考县蜜瓜合作社",
        "蜜瓜 10 箱",
        "410225",
    ],
}


def template_workbook() -> bytes:
    wb = workbook()
    wb.remove(wb.active)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet.name)
        for col, column in enumerate(sheet.columns, start=1):
            cell = put(ws, 1, col, column.zh, font=bold, fill=fill)
            ws.column_dimensions[cell.column_letter].width = max(14, len(column.zh) * 2 + 2)
        ws.freeze_panes = "A2"
    help_ws = wb.create_sheet("说明")
    lines = [
        "平台数据导入模板（platform-export-v1）。每个工作表第1行为表头（中文或英文列名均可，顺序不限），从第2行起填写数据。",
        "日期：2025-03-01、2025/3/1 或 Excel 日期单元格。金额：元，最多两位小数，可写作 1,234.50。不要使用公式。",
        "整个文件要么全部导入，要么（有任何错误时）完全不导入；同一文件重复导入不会产生重复数据。",
        "工作表 regions 可省略；其余工作表必须存在（可以没有数据行）。",
        "所属单位编码：只有国有企业和工会填写，为其所属的预算单位，其采购计入该单位的年度采购总额；"
        "留空时以主管单位编码为所属单位。预算单位不填。",
        "",
        "各工作表的列（* 为必填）与示例：",
    ]
    for sheet in SHEETS:
        cols = "、".join(c.zh + ("*" if c.required else "") for c in sheet.columns)
        lines.append(f"{sheet.name}（{sheet.zh}）：{cols}")
        lines.append("    示例：" + " | ".join(EXAMPLES[sheet.name]))
    for i, line in enumerate(lines, start=1):
        put(help_ws, i, 1, line)
    help_ws.column_dimensions["A"].width = 140
    return xlsx_bytes(wb)
