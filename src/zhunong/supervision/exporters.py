"""One exporter for the progress table: the same rows as CSV, XLSX (two header rows with merged
cells, numbers as numbers with the shown formats) and JSON; and the supervision pages' other
downloads. Every file is written through zhunong.spreadsheets, so no name is run as a formula."""

from openpyxl.styles import Alignment, Border, Font, Side

from zhunong.spreadsheets import (
    append,
    cell,
    csv_bytes,
    put,
    record_cell,
    widths,
    workbook,
    xlsx_bytes,
)

from .numbers import wan
from .queries import ProgressTable

GROUPS = [
    ("序号", 1),
    ("县市区", 1),
    ("管理账号", 3),
    ("交易账号", 3),
    ("年度农副产品采购总额 (万元)", 1),
    ("拟预留采购总额 (万元)", 1),
    ("已完成交易总额 (万元)", 1),
    ("预留份额完成比例", 1),
]
COLUMNS = [
    "序号",
    "县市区",
    "预算单位数量",
    "预算单位激活数量",
    "激活比率",
    "采购人账号数量",
    "采购人账号激活数量",
    "激活比率",
    "年度农副产品采购总额 (万元)",
    "拟预留采购总额 (万元)",
    "已完成交易总额 (万元)",
    "预留份额完成比例",
]


def columns_of(table: ProgressTable) -> list[str]:
    """The column heads, the second naming what the rows are at the table's level."""
    return [COLUMNS[0], table.rows_label, *COLUMNS[2:]]


def groups_of(table: ProgressTable) -> list[tuple[str, int]]:
    return [GROUPS[0], (table.rows_label, 1), *GROUPS[2:]]


def as_csv(table: ProgressTable) -> bytes:
    """The rows as shown on the page, UTF-8 with a byte-order mark."""
    return csv_bytes(columns_of(table), (row.shown() for row in table.all_rows()))


def as_json(table: ProgressTable) -> dict:
    return {
        "region": table.region.code,
        "region_name": table.region.name,
        "year": table.year,
        "as_of": table.as_of.isoformat(),
        "title": table.title,
        "columns": columns_of(table),
        "rows": [
            {"key": row.key, "name": row.name, "shown": row.shown(), "exact": row.exact()}
            for row in table.all_rows()
        ],
    }


def as_xlsx(table: ProgressTable) -> bytes:
    wb = workbook()
    ws = wb.active
    ws.title = "进度表"
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ncols = len(COLUMNS)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    put(ws, 1, 1, table.title, font=Font(bold=True, size=14), alignment=center)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncols)
    put(ws, 2, 1, table.cutoff_label, alignment=center)
    col = 1
    columns = columns_of(table)
    for title, span in groups_of(table):
        put(ws, 3, col, title)
        if span > 1:
            ws.merge_cells(start_row=3, start_column=col, end_row=3, end_column=col + span - 1)
            for offset in range(span):
                put(ws, 4, col + offset, columns[col + offset - 1])
        else:
            ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
        col += span
    for r in (3, 4):
        for c in range(1, ncols + 1):
            ws.cell(r, c).font = Font(bold=True)
            ws.cell(r, c).alignment = center
            ws.cell(r, c).border = border
    for index, row in enumerate(table.all_rows(), start=5):
        values = [
            row.number,
            row.name,
            row.units,
            row.units_activated,
            row.units_rate,
            row.trading,
            row.trading_activated,
            row.trading_rate,
            row.canteen_total / 10000,
            row.reserved / 10000,
            row.completed / 10000,
            row.completion,
        ]
        for c, value in enumerate(values, start=1):
            target = put(ws, index, c, "—" if value is None and c in (5, 8, 12) else value)
            target.border = border
            if c in (5, 8, 12) and value is not None:
                target.number_format = "0.00%"
            elif c in (9, 10, 11):
                target.number_format = "0.00"
    last = 5 + len(table.all_rows())
    put(ws, last, 1, table.footnote)
    ws.column_dimensions["B"].width = 16
    for letter in "CDEFGHIJKL":
        ws.column_dimensions[letter].width = 13
    return xlsx_bytes(wb)


def records_xlsx(title: str, header: list[str], rows: list[list]) -> bytes:
    """The records behind a figure (drill-down) as a plain sheet: dates as dates (yyyy-mm-dd) and
    amounts as numbers with separators and two decimals, so Excel sorts and sums them."""
    wb = workbook(write_only=True)
    ws = wb.create_sheet("明细")
    widths(ws, header)
    append(ws, [title])
    append(ws, header)
    for row in rows:
        append(ws, [record_cell(ws, v) for v in row])
    return xlsx_bytes(wb)


def assessment_xlsx(
    title: str, result: dict, rows_label: str = "区县", rows_are_regions: bool = True
) -> bytes:
    """The table's rows (cities, districts), departments and units, one sheet each, with rank,
    score and the four parts; the first sheet is named for the table's level. A county's rows are
    its departments already, so its workbook has the departments once."""
    wb = workbook(write_only=True)
    parts = ["activation", "filing_on_time", "filing_compliant", "completion"]
    header = ["排名", "编码", "名称", "得分", "账号激活", "按时填报", "预留比例合规", "采购完成"]
    sheets = [("regions", rows_label)] if rows_are_regions else []
    for key, sheet_title in (*sheets, ("departments", "部门"), ("units", "单位")):
        ws = wb.create_sheet(sheet_title)
        append(ws, [title])
        append(ws, header)
        for s in result[key]:
            append(
                ws,
                [s.rank, s.key, s.name, float(s.shown)]
                + [round(float(s.parts[p]) * 100, 2) for p in parts],
            )
    return xlsx_bytes(wb)


def tasks_xlsx(title: str, rows, rows_label: str = "县市区") -> bytes:
    """The buying tasks (下达任务) and their completion: amounts in 万元 as numbers with two
    decimals, the ratio as a percentage (blank where no task is set)."""
    wb = workbook()
    ws = wb.active
    ws.title = "下达任务完成情况"
    append(ws, [title])
    append(
        ws,
        [
            rows_label,
            "下达任务 (万元)",
            "已完成交易总额 (万元)",
            "任务完成比例",
            "拟预留采购总额 (万元)",
        ],
    )
    for r in rows:
        append(
            ws,
            [
                r.name,
                cell(ws, None if r.task is None else float(wan(r.task)), number_format="0.00"),
                cell(ws, float(wan(r.completed)), number_format="0.00"),
                cell(ws, r.ratio, number_format="0.00%"),
                cell(ws, float(wan(r.reserved)), number_format="0.00"),
            ],
        )
    return xlsx_bytes(wb)


CHANNEL_COLUMNS = ["食堂", "工会", "国有企业", "个人"]


def channels_xlsx(title: str, rows, rows_label: str = "县市区") -> bytes:
    """Completed purchases by channel per row, in 万元 as numbers, with the canteen-only and the
    overall completion ratios as percentages; the first column is named for the table's level."""
    from zhunong.ledger.models import Channel

    wb = workbook()
    ws = wb.active
    ws.title = "按渠道"
    append(ws, [title])
    append(
        ws,
        [rows_label, "拟预留采购总额 (万元)"]
        + [f"{c} (万元)" for c in CHANNEL_COLUMNS]
        + ["合计 (万元)", "食堂完成比例", "预留份额完成比例"],
    )
    channels = [Channel.CANTEEN, Channel.UNION, Channel.SOE, Channel.EMPLOYEE]
    for r in rows:
        amounts = [r.reserved, *(r.by_channel[c] for c in channels), r.completed]
        append(
            ws,
            [r.name]
            + [cell(ws, float(wan(x)), number_format="0.00") for x in amounts]
            + [cell(ws, x, number_format="0.00%") for x in (r.canteen_ratio, r.ratio)],
        )
    return xlsx_bytes(wb)


def time_progress_xlsx(title: str, rows: list, units) -> bytes:
    """序时进度 as a workbook: the sub-regions (the total first), then the units, at-risk first;
    ratios as percentages, money as numbers (万元 for regions, 元 for units, as on the page)."""
    wb = workbook(write_only=True)
    for sheet, lines, money, divisor in (
        ("地区", rows, "(万元)", 10000),
        ("单位", units, "(元)", 1),
    ):
        ws = wb.create_sheet(sheet)
        header = [
            "编码",
            "名称",
            f"拟预留采购总额 {money}",
            f"已完成交易总额 {money}",
            "序时进度",
            "完成比例",
            "预计（目标日期）",
            "落后于序时进度",
        ]
        widths(ws, header)
        append(ws, [title])
        append(ws, header)
        for p in lines:
            append(
                ws,
                [
                    "" if p.key in ("total", "own") else p.key,  # 合计 and 本级 have no code
                    p.name,
                    cell(ws, p.reserved / divisor, number_format="0.00"),
                    cell(ws, p.completed / divisor, number_format="0.00"),
                    *(
                        cell(ws, x, number_format="0.00%") if x is not None else "—"
                        for x in (p.expected, p.actual, p.forecast)
                    ),
                    "目标日期已过，未完成" if p.overdue else ("是" if p.at_risk else ""),
                ],
            )
    return xlsx_bytes(wb)
