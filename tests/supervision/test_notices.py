"""Notices: notice.docx and attachment.xlsx opened and checked; issuing freezes the figures and a
later change of the data shows as a difference."""

import io
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from docx import Document
from openpyxl import load_workbook

from tests.supervision.conftest import line
from zhunong.supervision import notices
from zhunong.supervision.models import Notice, NoticeTemplate


def docx_text(data: bytes) -> tuple[str, Document]:
    doc = Document(io.BytesIO(data))
    return "\n".join(p.text for p in doc.paragraphs), doc


def draft(world, as_of=date(2024, 7, 31)):
    return notices.notice_draft(actor=world.city_finance, region=world.city, year=2024, as_of=as_of)


def test_the_notice_document_says_what_a_notice_says(city_world):
    notice = draft(city_world)
    text, doc = docx_text(Path(notice.folder, "notice.docx").read_bytes())
    assert "郑州市财政局" in text
    assert "关于截至2024年7月31日郑州市脱贫地区农副产品采购工作进展情况的通报" in text
    assert "各区县（市）财政局，市直各预算单位：" in text
    for heading in ("一、账号开通情况", "二、预留份额填报情况", "三、采购交易情况", "四、工作要求"):
        assert heading in text
    assert "已填报预留份额的预算单位2个（不含预留为零的单位），拟预留采购总额1.58万元。" in text
    assert "序时进度应为69.84%，实际完成比例为72.79%" in text
    assert len(doc.inline_shapes) == 1  # the chart
    table = doc.tables[0]
    assert table.cell(0, 2).text == "管理账号" and table.cell(1, 2).text == "预算单位数量"
    assert table.cell(0, 2)._tc is table.cell(0, 4)._tc  # merged across three columns
    assert table.cell(0, 0)._tc is table.cell(1, 0)._tc  # 序号 spans both header rows
    js = next(r for r in table.rows if r.cells[1].text == "金水区")
    assert [c.text for c in js.cells][2:] == [
        "2",
        "1",
        "50.00%",
        "1",
        "0",
        "0.00%",
        "10.00",
        "1.50",
        "1.15",
        "76.67%",
    ]


def test_the_attachment_is_the_table(city_world):
    """The attachment is the progress table as the notice's own table shows it: the same title
    and cut-off, the two header rows, and 金水区's figures as numbers with the shown formats."""
    notice = draft(city_world)
    ws = load_workbook(f"{notice.folder}/attachment.xlsx").active
    assert ws["A1"].value == "郑州市各县市区预留比例填报和交易情况表"
    assert ws["A2"].value == "(截止日 2024.7.31)"
    assert "C3:E3" in {str(r) for r in ws.merged_cells.ranges}  # 管理账号 over three columns
    assert [c.value for c in ws[4]][2:5] == ["预算单位数量", "预算单位激活数量", "激活比率"]
    js = next(row for row in ws.iter_rows(min_row=5) if row[1].value == "金水区")
    assert [c.value for c in js][:11] == [5, "金水区", 2, 1, 0.5, 1, 0, 0, 10, 1.5, 1.15]
    assert js[11].value == pytest.approx(11500 / 15000)
    assert (js[4].number_format, js[10].number_format, js[11].number_format) == (
        "0.00%",
        "0.00",
        "0.00%",
    )
    total = next(row for row in ws.iter_rows(min_row=5) if row[1].value == "合计")
    assert [c.value for c in total][2:4] == [3, 1]
    assert total[10].value == pytest.approx(1.1501)  # 11,500 + 1 yuan, in 万元
    # and the notice's own table says the same of 金水区
    _text, doc = docx_text(Path(notice.folder, "notice.docx").read_bytes())
    shown = next(r for r in doc.tables[0].rows if r.cells[1].text == "金水区")
    assert [c.text for c in shown.cells][9:] == ["1.50", "1.15", "76.67%"]


def test_the_chart_renders_chinese_with_the_shipped_font():
    from zhunong.supervision.chart import cjk_font, completion_chart

    assert cjk_font().get_file().endswith("NotoSansCJKsc-Regular.otf")
    png = completion_chart(["金水", "二七"], [76.67, 0.13], 69.84)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000


def test_issuing_freezes_figures_and_later_changes_show_as_differences(city_world):
    notice = draft(city_world)
    units = __import__("zhunong.orgs.models", fromlist=["Unit"]).Unit.objects.all()
    assert notices.differences(notice, units) == []
    issued = notices.notice_issue(
        actor=city_world.city_finance,
        notice=notice,
        document_no="郑财〔2024〕12号",
        issued_on=date(2024, 8, 5),
    )
    assert issued.state == "issued"
    frozen = issued.figures
    line(city_world.js_school, "LATE-1", "5000.00", date(2024, 7, 20))  # a backdated purchase
    issued.refresh_from_db()
    assert issued.figures == frozen  # never a silent change
    diff = notices.differences(issued, units)
    assert "金水区 · 已完成交易总额 (万元)：通报 1.15，现在 1.65" in diff
    with pytest.raises(ValidationError):
        notices.notice_issue(
            actor=city_world.city_finance,
            notice=issued,
            document_no="x",
            issued_on=date(2024, 8, 6),
        )
    text, _doc = docx_text(Path(issued.folder, "notice.docx").read_bytes())
    assert "郑财〔2024〕12号" in text and "2024年8月5日" in text


def test_only_the_regions_bureau_drafts_and_issues(city_world):
    with pytest.raises(PermissionDenied):
        notices.notice_draft(
            actor=city_world.js_finance, region=city_world.city, year=2024, as_of=date(2024, 7, 31)
        )


def test_the_command_writes_both_files(city_world, tmp_path):
    call_command(
        "notice",
        "--region",
        "410100",
        "--year",
        "2024",
        "--as-of",
        "2024-07-31",
        "--out",
        str(tmp_path),
    )
    text, _doc = docx_text((tmp_path / "notice.docx").read_bytes())
    assert "四、工作要求" in text
    assert load_workbook(tmp_path / "attachment.xlsx").active["A1"].value.startswith("郑州市")


def test_the_pages_draft_issue_and_download(city_world, client_for):
    client = client_for(city_world.city_finance)
    response = client.post(
        "/supervision/notices/", {"region": "410100", "year": 2024, "as_of": "2024-07-31"}
    )
    notice = Notice.objects.latest("id")
    assert response.headers["Location"] == f"/supervision/notices/{notice.pk}/"
    page = client.get(response.headers["Location"]).content.decode()
    assert 'id="no-differences"' in page
    # a draft is the city bureau's own: a district bureau below does not see it yet
    district = client_for(city_world.eq_finance)
    assert district.get(f"/supervision/notices/{notice.pk}/").status_code == 404
    client = client_for(city_world.city_finance)
    response = client.post(
        f"/supervision/notices/{notice.pk}/",
        {"document_no": "郑财〔2024〕12号", "issued_on": "2024-08-05"},
    )
    assert response.status_code == 302 and Notice.objects.get(pk=notice.pk).state == "issued"
    docx = client.get(f"/supervision/notices/{notice.pk}/notice.docx").content
    assert "郑财〔2024〕12号" in docx_text(docx)[0]


def test_the_bureau_edits_the_requirements_section(city_world, client_for):
    client = client_for(city_world.city_finance)
    response = client.post(
        "/supervision/notices/template/?region=410100",
        {
            "issuing_body": "郑州市财政局",
            "addressees": "各区县财政局",
            "requirements": "一要提高认识。\n二要加快进度。",
            "ranking_size": "1",
        },
    )
    assert response.status_code == 302
    notice = draft(city_world)
    text, _doc = docx_text(Path(notice.folder, "notice.docx").read_bytes())
    assert "一要提高认识。" in text and "二要加快进度。" in text and "各区县财政局：" in text
    assert notice.figures["statements"]["top_regions"]["data"]["reserved"] == ["金水区"]
    refused = client.post(
        "/supervision/notices/template/?region=410100",
        {"issuing_body": "x", "addressees": "x", "requirements": "x", "ranking_size": "0"},
    )
    assert refused.status_code == 200 and "invalid-feedback" in refused.content.decode()
    assert NoticeTemplate.objects.get(region=city_world.city).ranking_size == 1
    assert (
        client_for(city_world.js_finance)
        .get("/supervision/notices/template/?region=410100")
        .status_code
        == 404
    )


def test_issuing_keeps_the_attachment_of_the_frozen_figures(city_world):
    notice = draft(city_world)
    line(city_world.js_school, "LATE-2", "5000.00", date(2024, 7, 20))  # backdated, before issue
    notices.notice_issue(
        actor=city_world.city_finance,
        notice=notice,
        document_no="郑财〔2024〕13号",
        issued_on=date(2024, 8, 5),
    )
    ws = load_workbook(f"{notice.folder}/attachment.xlsx").active
    jinshui = next(r for r in ws.iter_rows(values_only=True) if r[1] == "金水区")
    assert 1.15 in jinshui and 1.65 not in jinshui  # 已完成交易总额 (万元) as frozen


def test_the_list_shows_one_regions_notices_when_a_page_links_with_its_region(
    city_world, client_for
):
    """?region= narrows the list to that region and those below it, and drafts for it."""
    city = notices.notice_draft(
        actor=city_world.city_finance, region=city_world.city, year=2024, as_of=date(2024, 7, 31)
    )
    client = client_for(city_world.city_finance)
    everything = client.get("/supervision/notices/").content.decode()
    assert city.title in everything
    jinshui = client.get("/supervision/notices/", {"region": "410105"})
    html = jinshui.content.decode()
    assert city.title not in html and "金水区及下级地区的通报" in html
    assert jinshui.context["form"]["region"].value() == "410105"
    # a region out of reach is not found, as everywhere
    assert client.get("/supervision/notices/", {"region": "410200"}).status_code == 404
    # the schedule form's address leads back to the list when opened directly
    assert client.get("/supervision/notices/schedule/").headers["Location"] == (
        "/supervision/notices/"
    )
