"""notice.docx in the official format of Party and government documents (GB/T 9704-2012,
党政机关公文格式), as a bureau would issue it (ADR 0019).

- A4, type area 156 × 225 mm: top margin 37 mm, binding (left) 28 mm; 22 lines of 28 characters
  of 3号 (16 pt), so a fixed line pitch of 225 mm / 22.
- 版头: the issuing body's mark (发文机关标志, red, 小标宋) 35 mm below the top of the type area,
  the document number two lines below it, a red rule 4 mm under the number.
- 标题 in 2号小标宋 two lines below the rule; 主送 one line below the title, flush left; the body
  in 3号仿宋 with headings in 3号黑体; 附件说明 one line below the body; 署名 and 成文日期 as for a
  document without a seal (署名 two characters from the right, the date under it, shifted two
  characters right).
- 页码 "— 1 —" in 4号宋体 digits, odd pages on the right and even pages on the left.
- The attachment on its own landscape section, so all 12 columns fit without breaking a number;
  its header rows repeat on every page; 版记 (印发机关 and 印发日期 between rules) last.

Fonts are named as Word and WPS know them on the machines bureaus use (方正小标宋简体, 仿宋, 黑体,
楷体); where they are missing (LibreOffice on Linux), `docs/admin/fonts.conf` maps them to free fonts
from Debian — see docs/admin/production.md.
"""

import io
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor

from .exporters import COLUMNS, GROUPS

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
BODY = 16  # 3号
TITLE = 22  # 2号
SMALL = 14  # 4号
LINE = Emu(Mm(225) // 22)  # 22 lines on the type area's 225 mm
CHAR = Pt(BODY)
RED = RGBColor(0xE6, 0x00, 0x12)


def notice_docx(fields: dict, figures: dict, sections, requirements_heading: str) -> bytes:
    """The notice: `fields` are the notice's own words (issuing body, number, title,
    addressees, requirements, issued_on), `figures` what it froze, `sections` the headings with
    the statements each carries (notices.SECTIONS)."""
    doc = Document()
    _page(doc.sections[0], landscape=False)
    _defaults(doc)
    doc.settings.odd_and_even_pages_header_footer = True
    _page_numbers(doc.sections[0])
    if not fields.get("issued_on"):
        _draft_mark(doc.sections[0])
    as_of = date.fromisoformat(figures["table"]["as_of"])

    mark = _para(doc, fields["issuing_body"] + "文件", font=TITLE_FONT, size=30, color=RED)
    mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
    mark.paragraph_format.space_before = Mm(35)
    mark.paragraph_format.line_spacing = Pt(42)
    _para(doc, "")
    number = _para(doc, fields["document_no"] or "〔文号待定〕")
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _rule(number, "bottom", color="E60012", size=12, space=11)
    _para(doc, "")
    title = _para(doc, fields["title"], font=TITLE_FONT, size=TITLE)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.line_spacing = Pt(TITLE * 1.5)
    _para(doc, "")
    _para(doc, fields["addressees"] + "：")
    _para(
        doc,
        f"现将截至{as_of.year}年{as_of.month}月{as_of.day}日{figures['table']['region_name']}"
        "脱贫地区农副产品采购工作进展情况通报如下：",
        indent=True,
    )
    for heading, keys in sections:
        sentences = [
            figures["statements"][k]["sentence"] for k in keys if k in figures["statements"]
        ]
        if not sentences:
            continue
        _para(doc, heading, font=HEADING_FONT, indent=True)
        for sentence in sentences:
            _para(doc, sentence, indent=True)
        if heading.startswith("三"):
            _chart(doc, figures["chart"])
    requirements = [x.strip() for x in (fields["requirements"] or "").splitlines() if x.strip()]
    if requirements:
        _para(doc, requirements_heading, font=HEADING_FONT, indent=True)
        for line in requirements:
            _para(doc, line, indent=True)
    _para(doc, "")
    _para(doc, "附件：" + figures["table"]["title"], indent=True)
    _para(doc, "")
    _para(doc, "")
    issued = fields.get("issued_on") or as_of
    _signature(doc, fields["issuing_body"], f"{issued.year}年{issued.month}月{issued.day}日")

    attachment = doc.add_section(WD_SECTION.NEW_PAGE)
    _page(attachment, landscape=True)
    _para(doc, "附件", font=HEADING_FONT)
    heading = _para(doc, figures["table"]["title"], font=TITLE_FONT, size=TITLE)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    cut = _para(doc, f"（截至{as_of.year}年{as_of.month}月{as_of.day}日）", size=SMALL)
    cut.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _table(doc, figures["table"])
    _colophon(doc, fields["issuing_body"], fields.get("issued_on"))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _page(section, *, landscape: bool) -> None:
    """A4 with the standard type area (156 × 225 mm), turned for a landscape section."""
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    short, long = Mm(210), Mm(297)
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    if landscape:
        section.top_margin, section.bottom_margin = Mm(28), Mm(26)
        section.left_margin, section.right_margin = Mm(37), Mm(35)
    else:
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
    # the page number 7 mm below the type area
    section.header_distance = Mm(15)
    section.footer_distance = Mm(13) if landscape else Mm(22)


def _defaults(doc) -> None:
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY)
    _fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    fmt = normal.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE
    fmt.widow_control = False


def _fonts(rpr, east_asian: str, latin: str = LATIN_FONT) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east_asian)


def _para(doc_or_cell, text, *, font=BODY_FONT, size=BODY, color=None, indent=False):
    p = doc_or_cell.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Emu(CHAR * 2)
    if text:
        run = p.add_run(text)
        run.font.size = Pt(size)
        _fonts(run._element.get_or_add_rPr(), font)
        if color is not None:
            run.font.color.rgb = color
    return p


def _rule(paragraph, side: str, *, color="000000", size=8, space=1) -> None:
    """A rule above or below the paragraph, across the type area (w:sz in eighths of a point,
    w:space in points)."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.insert_element_before(borders, *PPR_AFTER_BORDERS)
    line = OxmlElement(f"w:{side}")
    for key, value in (("val", "single"), ("sz", str(size)), ("space", str(space))):
        line.set(qn(f"w:{key}"), value)
    line.set(qn("w:color"), color)
    borders.append(line)


# what follows w:pBdr in a paragraph's properties (ECMA-376 CT_PPrBase): Word refuses misordered
PPR_AFTER_BORDERS = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def _width(text: str) -> float:
    """Width in characters of 3号: a Chinese character is one, a digit or Latin letter half."""
    return sum(1 if ord(ch) > 0x2E7F else 0.5 for ch in text)


def _signature(doc, body: str, day: str) -> None:
    """署名 and 成文日期 of a document without a seal (GB/T 9704-2012 7.3.5.2): the body two
    characters from the right, the date on the next line starting two characters right of the
    body's first; if the date is the longer, the date is two from the right and the body moves."""
    body_w, day_w = _width(body), _width(day)
    body_right, day_right = 2.0, body_w - day_w
    if day_right < 2:
        day_right = 2.0
        body_right = day_right + day_w + 2 - body_w
    for text, right in ((body, body_right), (day, day_right)):
        p = _para(doc, text)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.right_indent = Emu(int(CHAR * right))


def _field(paragraph, instruction: str, size: int) -> None:
    for kind, text in (("begin", None), (None, instruction), ("separate", None), ("end", None)):
        run = paragraph.add_run()
        run.font.size = Pt(size)
        _fonts(run._element.get_or_add_rPr(), NUMBER_FONT, NUMBER_FONT)
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {text} "
            run._r.append(instr)


def _page_numbers(section) -> None:
    """— 1 — in 4号 digits: odd pages one character from the right, even pages from the left."""
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        p = footer.paragraphs[0]
        p.alignment = align
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            p.paragraph_format.right_indent = Pt(SMALL)
        else:
            p.paragraph_format.left_indent = Pt(SMALL)
        p.add_run("— ").font.size = Pt(SMALL)
        _field(p, "PAGE", SMALL)
        p.add_run(" —").font.size = Pt(SMALL)


def _draft_mark(section) -> None:
    """A draft says so on every page, so a printed draft is never taken for the issued notice."""
    for header in (section.header, section.even_page_header):
        p = header.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = p.add_run("草稿　未印发")
        run.font.size = Pt(12)
        run.font.color.rgb = RED
        _fonts(run._element.get_or_add_rPr(), HEADING_FONT)


def _chart(doc, chart: dict) -> None:
    if not chart["names"]:
        return
    # matplotlib loads in a fraction of a second: only when a notice is written, not with every
    # process that imports the URLs
    from .chart import completion_chart

    png = completion_chart(
        chart["names"], chart["ratios"], chart["expected"], chart.get("title", "各区县")
    )
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    p.add_run().add_picture(io.BytesIO(png), width=Mm(150))


# the 225 mm of a landscape type area over the 12 columns: the name widest, figures to fit
WIDTHS_MM = [10, 34, 16, 17, 16, 17, 17, 16, 22, 20, 20, 20]


def _table(doc, table: dict) -> None:
    rows, columns = table["rows"], table.get("columns", COLUMNS)
    groups = [GROUPS[0], (columns[1], 1), *GROUPS[2:]]
    grid = doc.add_table(rows=2 + len(rows), cols=len(columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False  # a fixed layout: the widths below hold
    for column, width in zip(grid.columns, WIDTHS_MM, strict=True):
        column.width = Mm(width)  # the grid, which LibreOffice and WPS lay out by
    # every cell once: python-docx's `cell(r, c)` and `row.cells` walk the whole table on each
    # call (a province's 160 rows took 1.8 s of its notice). The header's cells are taken
    # before its merges, each group's from its own columns, which no other merge touches
    width = len(columns)
    cells = grid._cells
    col = 0
    for title, span in groups:
        top = cells[col]
        if span > 1:
            top = top.merge(cells[col + span - 1])
            for offset in range(span):
                cells[width + col + offset].text = columns[col + offset]
        else:
            top = top.merge(cells[width + col])
        top.text = title
        col += span
    cells = grid._cells  # as merged
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row["shown"]):
            cells[r * width + c].text = value
    for r, row in enumerate(grid.rows):
        if r < 2:
            header = OxmlElement("w:tblHeader")
            row._tr.get_or_add_trPr().append(header)
        cant_split = OxmlElement("w:cantSplit")
        row._tr.get_or_add_trPr().append(cant_split)
        for c, cell in enumerate(cells[r * width : (r + 1) * width]):
            cell.width = Mm(WIDTHS_MM[c])
            for p in cell.paragraphs:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                p.paragraph_format.first_line_indent = 0
                p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
                for run in p.runs:
                    run.font.size = Pt(10.5)  # 五号
                    _fonts(run._element.get_or_add_rPr(), HEADING_FONT if r < 2 else BODY_FONT)
            if r >= 2 and c != 1:
                _no_wrap(cell)


def _no_wrap(cell) -> None:
    props = cell._tc.get_or_add_tcPr()
    props.append(OxmlElement("w:noWrap"))


def _colophon(doc, body: str, issued_on) -> None:
    """版记: 印发机关 and 印发日期 on one line between rules (GB/T 9704-2012 7.4)."""
    p = _para(doc, "", size=SMALL)
    p.paragraph_format.space_before = Mm(4)  # below the table, on its page when it fits
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    p.paragraph_format.left_indent = Pt(SMALL)
    p.paragraph_format.right_indent = Pt(SMALL)
    p.paragraph_format.tab_stops.add_tab_stop(
        Mm(225) - Pt(SMALL * 2),
        alignment=2,  # WD_TAB_ALIGNMENT.RIGHT
    )
    day = (
        f"{issued_on.year}年{issued_on.month}月{issued_on.day}日印发" if issued_on else "（未印发）"
    )
    run = p.add_run(f"{body}\t{day}")
    run.font.size = Pt(SMALL)
    _fonts(run._element.get_or_add_rPr(), BODY_FONT)
    _rule(p, "top", size=8, space=4)
    _rule(p, "bottom", size=8, space=4)
