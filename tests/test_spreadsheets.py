"""Every xlsx and csv the platform writes keeps a formula-looking text inert (zhunong.spreadsheets):
names that begin with "=", "+", "-" or "@" go through each real exporter, and the real file is
opened again. No cell is a formula, the text is there as text (in CSV behind an apostrophe), and
the figures beside it are still numbers."""

import ast
import codecs
import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import make_unit
from tests.supervision.conftest import filing, line
from zhunong import spreadsheets
from zhunong.ingest.exporter import write_csv_folder
from zhunong.reservations.models import Reservation
from zhunong.supervision import notices
from zhunong.supervision.exporters import as_csv
from zhunong.supervision.queries import progress_table

UNIT = '=HYPERLINK("http://x","y")'  # 金水区第一小学
DEPT = "-2+3"  # 金水区教育局, the school's supervising unit
JINSHUI = "+1+1"  # 金水区's short name
ERQI = "=1+1"  # 二七区's short name
ORDER = "@SUM(1)"  # an imported order number of the school, a refund
UNION = "+工会"  # the school's union
AS_OF = "2024-07-31"
TABLE = {"region": "410100", "year": 2024, "as_of": AS_OF}


@pytest.fixture
def hostile(world):
    w = world
    w.jinshui.short_name, w.erqi.short_name = JINSHUI, ERQI
    w.jinshui.save()
    w.erqi.save()
    w.js_dept.name, w.js_school.name = DEPT, UNIT
    w.js_dept.save()
    w.js_school.save()
    filing(w.js_school, "100000.00", "100.00")
    filing(w.eq_school, "80000.00", "800.00")
    # completed the day before it was ordered: an anomaly naming the unit
    line(w.js_school, "A1", "12000.00", date(2024, 5, 1), ordered=date(2024, 5, 2))
    line(w.js_school, ORDER, "-300.00", date(2024, 6, 1))
    line(w.eq_school, "B1", "-600.00", date(2024, 6, 1))  # 二七区 is −0.06 万元 in all
    union = make_unit("J-GH", UNION, w.jinshui, kind="union", owner=w.js_school)
    filing(union, "0", "1500.00")
    Reservation.objects.filter(unit=union).update(members=5, welfare_total=Decimal("10000.00"))
    line(union, "U1", "300.00", date(2024, 5, 5), channel="union")
    return w


def xlsx_rows(data: bytes) -> list[list]:
    wb = load_workbook(io.BytesIO(data))
    return [list(row) for ws in wb.worksheets for row in ws.iter_rows()]


def assert_inert_xlsx(data: bytes, texts, numbers=True):
    rows = xlsx_rows(data)
    assert [c.coordinate for row in rows for c in row if c.data_type == "f"] == []
    for text in texts:
        holding = [r for r in rows if any(c.value == text and c.data_type == "s" for c in r)]
        assert holding, f"{text!r} is not in the workbook as text"
        if numbers:
            beside = [
                c.value
                for r in holding
                for c in r
                if c.data_type == "n" and type(c.value) in (int, float)
            ]
            assert beside, f"no number beside {text!r}"


def assert_inert_csv(data: bytes, texts, beside: dict | None = None):
    assert data.startswith(codecs.BOM_UTF8)  # Excel reads the Chinese as Chinese
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    for text in texts:
        holding = [r for r in rows if "'" + text in r]
        assert holding, f"{text!r} is not written with an apostrophe"
        assert not any(text in r for r in rows), f"{text!r} is written bare"
        number = (beside or {}).get(text)
        if number:
            assert any(number in r for r in holding), f"{number} is not beside {text!r}"
    assert not any(f.startswith("'") and f[1:] not in texts for r in rows for f in r)


def get(client, url, params) -> bytes:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content


def test_progress_table_xlsx_and_csv(hostile, client_for):
    client = client_for(hostile.city_finance)
    for params, texts in (
        (TABLE, [JINSHUI, ERQI]),
        ({**TABLE, "region": "410105"}, [DEPT, UNION]),  # a county's rows: its top units
    ):
        assert_inert_xlsx(
            get(client, "/supervision/progress/", {**params, "format": "xlsx"}), texts
        )
        assert_inert_csv(
            get(client, "/supervision/progress/", {**params, "format": "csv"}),
            texts,
            beside={ERQI: "-0.06"},  # a signed number stays a number
        )


def test_progress_csv_as_written_for_the_command(hostile):
    table = progress_table(region=hostile.city, year=2024, as_of=date(2024, 7, 31))
    assert_inert_csv(as_csv(table), [JINSHUI, ERQI], beside={ERQI: "-0.06"})


def test_drill_down_records(hostile, client_for):
    client = client_for(hostile.city_finance)
    params = {**TABLE, "row": "410105", "measure": "completed", "format": "xlsx"}
    data = get(client, "/supervision/progress/detail/", params)
    assert_inert_xlsx(data, [UNIT, ORDER])
    refund = next(r for r in xlsx_rows(data) if r[0].value == ORDER)
    assert refund[4].value == -300 and refund[4].data_type == "n"


def test_assessment(hostile, client_for):
    client = client_for(hostile.city_finance)
    data = get(client, "/supervision/assessment/", {**TABLE, "format": "xlsx"})
    assert_inert_xlsx(data, [JINSHUI, ERQI, UNIT])  # the regions' and the units' sheets


def test_channels_and_buying_tasks(hostile, client_for):
    client = client_for(hostile.city_finance)
    for url in ("/supervision/channels/", "/supervision/tasks/"):
        assert_inert_xlsx(get(client, url, {**TABLE, "format": "xlsx"}), [JINSHUI, ERQI])


def test_filings_and_unions_lists(hostile, client_for):
    client = client_for(hostile.js_finance)
    data = get(client, "/filings/", {"year": 2024, "region": "410105", "format": "xlsx"})
    assert_inert_xlsx(data, [UNIT, DEPT, UNION])
    data = get(
        client,
        "/filings/unions/",
        {"year": 2024, "region": "410105", "as_of": AS_OF, "format": "xlsx"},
    )
    assert_inert_xlsx(data, [UNIT, UNION])


def test_anomalies(hostile, client_for):
    client = client_for(hostile.js_finance)
    data = get(client, "/regions/410105/anomalies/", {"year": 2024, "format": "xlsx"})
    assert_inert_xlsx(data, [UNIT])  # beside it: the year, a number


def test_platform_export_xlsx_and_csv(hostile, client_for, tmp_path):
    """The platform format writes every cell as text by design (codes keep their zeros), so the
    xlsx has no numbers to check; in the CSV a refund stays the plain number -300.00."""
    client = client_for(hostile.js_finance)
    data = get(client, "/regions/410105/export.xlsx", {})
    assert_inert_xlsx(data, [JINSHUI, UNIT, DEPT, ORDER, UNION], numbers=False)
    write_csv_folder(tmp_path, hostile.jinshui)
    files = {f.stem: f.read_bytes() for f in tmp_path.glob("*.csv")}
    assert_inert_csv(files["regions"], [JINSHUI])
    assert_inert_csv(files["units"], [UNIT, DEPT, UNION])
    assert_inert_csv(files["transactions"], [ORDER], beside={ORDER: "-300.00"})


def test_notice_attachment(hostile):
    notice = notices.notice_draft(
        actor=hostile.city_finance, region=hostile.city, year=2024, as_of=date(2024, 7, 31)
    )
    data = Path(notice.folder, "attachment.xlsx").read_bytes()
    assert_inert_xlsx(data, [JINSHUI, ERQI])


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\tx", "'\tx"),
        ("\r=1", "'\r=1"),
        ("-", "'-"),
        ("-27.77", "-27.77"),
        ("+5", "+5"),
        ("-12.50%", "-12.50%"),
        ("-1,234.50", "-1,234.50"),
        (Decimal("-5.00"), "-5.00"),
        (date(2025, 3, 1), "2025-03-01"),
        (None, ""),
        ("金水区", "金水区"),
    ],
)
def test_the_csv_rule(value, written):
    assert spreadsheets.csv_value(value) == written


WRITERS = {
    "openpyxl": {"Workbook", "WriteOnlyCell", "Cell", "*"},
    "csv": {"writer", "DictWriter", "*"},
}


def _writes_around_the_writer(node) -> bool:
    if isinstance(node, ast.ImportFrom):
        package = (node.module or "").split(".")[0]
        return bool({a.name for a in node.names} & WRITERS.get(package, set()))
    if isinstance(node, ast.Attribute):
        if node.attr in ("Workbook", "WriteOnlyCell"):
            return True
        return (
            isinstance(node.value, ast.Name)
            and node.value.id == "csv"
            and (node.attr in WRITERS["csv"])
        )
    return False


def test_only_the_writer_makes_workbooks_or_csv():
    """Any other module that builds a workbook or a CSV writer would bypass the rule. Reading
    (openpyxl.load_workbook, csv.reader) is fine."""
    root = Path(spreadsheets.__file__).parent
    offenders = [
        f"{path.relative_to(root)}:{node.lineno}"
        for path in sorted(root.rglob("*.py"))
        if path != Path(spreadsheets.__file__)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if _writes_around_the_writer(node)
    ]
    assert offenders == []
    assert _writes_around_the_writer(ast.parse("from openpyxl import Workbook").body[0])
    assert _writes_around_the_writer(ast.parse("csv.writer(f)").body[0].value.func)
