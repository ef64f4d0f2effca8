"""The notice in the official format (GB/T 9704-2012): read from the .docx itself, and rendered to
PDF by LibreOffice to check what a reader gets — page size, orientation, page count, no blank
page, numbers that are not broken. The PDF and its pages as PNG land in test-output/notice/."""

import io
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from zhunong.supervision import notices

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "test-output" / "notice"
A4 = (595, 842)  # points, rounded


def draft(world):
    return notices.notice_draft(
        actor=world.city_finance, region=world.city, year=2024, as_of=date(2024, 7, 31)
    )


def issue(world):
    return notices.notice_issue(
        actor=world.city_finance,
        notice=draft(world),
        document_no="郑财购〔2024〕5号",
        issued_on=date(2024, 8, 6),
    )


def read(notice) -> Document:
    return Document(io.BytesIO(Path(notice.folder, "notice.docx").read_bytes()))


def east_asian_font(run) -> str:
    return run._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def near(length, mm) -> bool:
    return abs(length - Mm(mm)) < Mm(0.5)


def test_the_notice_is_a4_with_the_standard_type_area_and_the_table_on_a_landscape_page(
    city_world,
):
    doc = read(draft(city_world))
    body, attachment = doc.sections
    assert body.orientation == WD_ORIENT.PORTRAIT
    assert near(body.page_width, 210) and near(body.page_height, 297)
    assert near(body.top_margin, 37) and near(body.left_margin, 28)
    assert near(body.page_width - body.left_margin - body.right_margin, 156)
    assert near(body.page_height - body.top_margin - body.bottom_margin, 225)
    assert attachment.orientation == WD_ORIENT.LANDSCAPE
    assert near(attachment.page_width, 297) and near(attachment.page_height, 210)
    type_area = attachment.page_width - attachment.left_margin - attachment.right_margin
    widths = [c.width for c in doc.tables[0].rows[2].cells]
    assert len(widths) == 12 and sum(widths) <= type_area + Mm(0.5)


def test_title_body_and_headings_use_the_standard_faces_and_sizes(city_world):
    doc = read(draft(city_world))
    by_text = {p.text: p for p in doc.paragraphs if p.text}
    title = by_text["关于截至2024年7月31日郑州市脱贫地区农副产品采购工作进展情况的通报"]
    assert east_asian_font(title.runs[0]) == "方正小标宋简体"
    assert title.runs[0].font.size == Pt(22)  # 2号
    body = next(p for t, p in by_text.items() if t.startswith("现将截至"))
    assert east_asian_font(body.runs[0]) == "仿宋" and body.runs[0].font.size == Pt(16)  # 3号
    assert body.paragraph_format.first_line_indent == Pt(32)  # two characters
    heading = by_text["一、账号开通情况"]
    assert east_asian_font(heading.runs[0]) == "黑体"
    assert (
        by_text["各区县（市）财政局，市直各预算单位："].paragraph_format.first_line_indent is None
    )
    # 22 lines on the 225 mm type area
    assert abs(doc.styles["Normal"].paragraph_format.line_spacing - Mm(225) / 22) < Mm(0.1)


def test_a_draft_says_so_on_every_page_and_an_issued_notice_carries_its_number_and_dates(
    city_world,
):
    draft_doc = read(draft(city_world))
    header = draft_doc.sections[0].header.paragraphs[0].text
    assert "草稿" in header and "草稿" in draft_doc.sections[0].even_page_header.paragraphs[0].text
    assert any(p.text == "〔文号待定〕" for p in draft_doc.paragraphs)
    issued = read(issue(city_world))
    texts = [p.text for p in issued.paragraphs]
    assert "草稿" not in issued.sections[0].header.paragraphs[0].text
    number = texts.index("郑财购〔2024〕5号")
    assert texts[number - 2] == "郑州市财政局文件"  # the mark, a line between
    assert texts[-1] == "郑州市财政局\t2024年8月6日印发"  # 版记, last
    assert texts.index("附件：郑州市各县市区预留比例填报和交易情况表") < texts.index("2024年8月6日")
    signature = issued.paragraphs[texts.index("2024年8月6日") - 1]
    assert signature.text == "郑州市财政局"
    # the date starts two characters right of the signature's first character
    date_para = issued.paragraphs[texts.index("2024年8月6日")]
    body_start = signature.paragraph_format.right_indent + Pt(16) * 6  # six characters
    assert date_para.paragraph_format.right_indent >= Pt(32)  # the date two from the right
    date_start = date_para.paragraph_format.right_indent + Pt(16) * 6  # 3 + six digits/2
    assert abs(body_start - date_start - Pt(32)) < Pt(1)


def test_pages_are_numbered_on_odd_pages_right_and_even_pages_left(city_world):
    doc = read(draft(city_world))
    assert doc.settings.odd_and_even_pages_header_footer
    section = doc.sections[0]
    for footer in (section.footer, section.even_page_footer):
        xml = footer.paragraphs[0]._p.xml
        assert "PAGE" in xml and footer.paragraphs[0].text.replace(" ", "") == "——"
    assert section.footer.paragraphs[0].alignment == 2  # right
    assert section.even_page_footer.paragraphs[0].alignment == 0  # left


def test_the_attachment_header_rows_repeat_and_figures_do_not_wrap(city_world):
    table = read(draft(city_world)).tables[0]
    for row in table.rows[:2]:
        assert row._tr.trPr.find(qn("w:tblHeader")) is not None
    figures = table.rows[2].cells[4]._tc.tcPr
    assert figures.find(qn("w:noWrap")) is not None


def _soffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None and os.environ.get("CI") == "true":
        pytest.fail("LibreOffice is missing (CI=true: the notice must be rendered)", pytrace=False)
    return found


def render(docx: Path, tmp_path: Path) -> Path:
    soffice = _soffice()
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    env = {**os.environ, "FONTCONFIG_FILE": str(ROOT / "scripts" / "fonts.conf")}
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env=env,
    )
    return tmp_path / (docx.stem + ".pdf")


def test_rendered_the_notice_has_portrait_pages_then_the_landscape_table_and_no_blank_page(
    city_world, tmp_path
):
    from pypdf import PdfReader

    notice = issue(city_world)
    pdf = render(Path(notice.folder, "notice.docx"), tmp_path)
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    shutil.copy(pdf, OUT / "notice.pdf")
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(OUT / "page")], check=False)
    pages = PdfReader(pdf).pages
    sizes = [(round(p.mediabox.width), round(p.mediabox.height)) for p in pages]
    texts = ["".join(p.extract_text().split()) for p in pages]  # PDF text spaces out digits
    assert 2 <= len(pages) <= 4, sizes
    assert sizes[0] == A4 and sizes[-1] == A4[::-1]  # the body portrait, the table landscape
    portrait = [i for i, s in enumerate(sizes) if s == A4]
    assert portrait == list(range(len(portrait)))  # every portrait page before the table
    assert all(t.strip() for t in texts), "a blank page"
    assert "郑州市财政局文件" in texts[0] and "郑财购〔2024〕5号" in texts[0]
    table_text = "".join(texts[len(portrait) :])
    assert "附件" in table_text and "金水区" in table_text
    for figure in ("76.67%", "50.00%", "10.00"):  # on one line each, not broken
        assert figure in table_text
    assert "2024年8月6日印发" in texts[-1]
