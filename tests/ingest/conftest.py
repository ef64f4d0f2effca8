"""A small platform export written by hand, in each of the accepted forms."""

import csv
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

HEADERS = {
    "regions": ["区划代码", "区划名称", "上级区划代码", "简称"],
    "units": [
        "单位编码",
        "单位名称",
        "区划代码",
        "主管单位编码",
        "单位类型",
        "食堂情况",
        "代表单位编码",
        "状态",
    ],
    "accounts": ["账号", "单位编码", "账号类型", "开通日期", "激活日期"],
    "reservations": [
        "单位编码",
        "年度",
        "年度食堂食材采购总额",
        "预留比例",
        "预留金额",
        "填报日期",
        "状态",
    ],
    "transactions": [
        "订单号",
        "单位编码",
        "金额",
        "下单日期",
        "完成日期",
        "渠道",
        "供应商",
        "商品",
        "产地区划代码",
    ],
}


def base_rows() -> dict[str, list[list]]:
    return {
        "regions": [["410173", "郑州航空港经济综合实验区", "410100", "港区"]],
        "units": [
            ["P-CITY", "郑州市农业农村局", "410100", "", "预算单位", "自有食堂", "", "正常"],
            ["P-JS1", "金水区第一小学", "410105", "", "预算单位", "自有食堂", "", "正常"],
            [
                "P-JS2",
                "金水区第二小学",
                "410105",
                "P-JS1",
                "budget_unit",
                "共用食堂",
                "P-JS1",
                "正常",
            ],
            ["P-EQ1", "二七区人民医院", "410103", "", "预算单位", "食堂外包", "", "正常"],
            ["P-GQ1", "港区管委会", "410173", "", "预算单位", "无食堂", "", "正常"],
            ["P-GQ-U", "港区管委会工会", "410173", "", "工会", "", "", "正常"],
        ],
        "accounts": [
            ["p-city-gl", "P-CITY", "管理账号", "2020-03-01", "2020-03-05"],
            ["p-js1-gl", "P-JS1", "管理账号", "2020/3/2", ""],
            ["p-js1-jy", "P-JS1", "交易账号", "2020-04-01", "2020-04-02"],
            ["p-eq1-gl", "P-EQ1", "management", "2021-01-01", "2021-02-01"],
            ["p-gq1-gl", "P-GQ1", "管理账号", "2021-06-01", ""],
        ],
        "reservations": [
            ["P-CITY", "2024", "100000.00", "10", "10000.00", "2024-02-20", "已锁定"],
            ["P-JS1", "2024", "50,000.00", "", "2500.00", "2024-02-25", "财政已确认"],
            ["P-EQ1", "2024", "80000", "15%", "12000.00", "2024-02-27", "已填报"],
            ["P-GQ1", "2024", "0", "0", "0", "2024-02-28", "已填报"],
        ],
        "transactions": [
            [
                "T-001",
                "P-CITY",
                "1234.50",
                "2024-03-01",
                "2024-03-05",
                "食堂",
                "兰考合作社",
                "蜜瓜",
                "410225",
            ],
            [
                "T-002",
                "P-CITY",
                "-200.00",
                "2024-03-06",
                "2024-03-07",
                "食堂",
                "兰考合作社",
                "退款",
                "",
            ],
            ["T-003", "P-JS1", "3000.00", "2024-04-01", "2024-04-03", "", "", "大米", ""],
            ["T-004", "P-EQ1", "800.00", "2024-05-01", "", "工会", "", "", ""],
            ["T-005", "P-GQ-U", "500.00", "2024-06-01", "2024-05-30", "工会", "", "", ""],
        ],
    }


def write_folder(folder: Path, rows: dict[str, list[list]], headers=None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for sheet, data in rows.items():
        with open(folder / f"{sheet}.csv", "w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            writer.writerow((headers or HEADERS)[sheet])
            writer.writerows(data)
    return folder


def write_zip(path: Path, rows) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for sheet, data in rows.items():
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(HEADERS[sheet])
            writer.writerows(data)
            z.writestr(f"export/{sheet}.csv", out.getvalue().encode("utf-8"))
    return path


def write_xlsx(path: Path, rows) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for sheet, data in rows.items():
        ws = wb.create_sheet(sheet)
        ws.append(HEADERS[sheet])
        for row in data:
            ws.append(row)
    wb.save(path)
    return path


@pytest.fixture
def export_folder(tmp_path):
    return write_folder(tmp_path / "export", base_rows())
