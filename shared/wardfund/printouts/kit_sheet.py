"""The printable A4 sheet of a ward-assembly kit: HTML (QR codes as inline SVG) and PDF
(QR codes drawn as vector squares), one QR code per Payment Link.

The organiser's copy is the same sheet and a second page for whoever runs the night: the
ward's live page for the room's screen (issue 17), its address and a QR code to open it."""

from __future__ import annotations

import segno
from fpdf import FPDF

from wardfund.domain.kit import KitSheet
from wardfund.printouts.html import environment

QR_MM = 46.0
HTML_QR_MM = 40.0  # smaller in the HTML: its print margins and the footer fit one A4 page
QUIET_MODULES = 4
A4_WIDTH, A4_HEIGHT, MARGIN = 210.0, 297.0, 16.0
FOOTER_MM = 26.0  # the organisation, privacy line and imprint at the foot of the page


def qr_code(url: str) -> segno.QRCode:
    return segno.make(url, error="m", micro=False)


LIVE_QR_MM = 90.0  # the organiser's page: one large code


def _svg(url: str, size_mm: float) -> str:
    code = qr_code(url)
    modules = code.symbol_size(scale=1, border=QUIET_MODULES)[0]
    return str(
        code.svg_inline(
            scale=round(size_mm / modules, 3), border=QUIET_MODULES, unit="mm", title=url
        )
    )


def sheet_html(sheet: KitSheet, live_url: str | None = None) -> str:
    """The sheet; with `live_url`, the organiser's copy (a second page for the live page)."""
    codes = [(link, _svg(link.url, HTML_QR_MM)) for link in sheet.links]
    return (
        environment()
        .get_template("kit_sheet.html.j2")
        .render(
            sheet=sheet,
            codes=codes,
            live_url=live_url,
            live_svg=_svg(live_url, LIVE_QR_MM) if live_url else None,
            live_steps=LIVE_STEPS,
        )
    )


LIVE_STEPS = (
    "Open this page on the computer that drives the projector, full screen (F11).",
    "It shows tonight's new monthly donors, what they give a month and the doubling left, "
    "and updates within seconds of each gift; totals only, never a name.",
    "If the connection drops it keeps the last figures, says so, and catches up when it "
    "comes back.",
)


def _latin1(text: str) -> str:
    """The PDF's core fonts are Latin-1: anything else is replaced, never an error."""
    return text.encode("latin-1", "replace").decode("latin-1")


def _draw_qr(pdf: FPDF, url: str, x: float, y: float, size: float) -> None:
    matrix = qr_code(url).matrix
    module = size / (len(matrix) + 2 * QUIET_MODULES)
    pdf.set_fill_color(0, 0, 0)
    for row_index, row in enumerate(matrix):
        top = y + (row_index + QUIET_MODULES) * module
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            start = column
            while column < len(row) and row[column]:
                column += 1
            left = x + (start + QUIET_MODULES) * module
            pdf.rect(left, top, (column - start) * module, module, style="F")


def sheet_pdf(sheet: KitSheet, live_url: str | None = None) -> bytes:
    """The sheet; with `live_url`, the organiser's copy (a second page for the live page)."""
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_title(_latin1(f"{sheet.campaign_name}: {sheet.ward}"))
    pdf.add_page()
    pdf.set_xy(MARGIN, MARGIN)
    pdf.set_font("Helvetica", "B", 22)
    pdf.cell(0, 11, _latin1(sheet.campaign_name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(MARGIN)
    pdf.set_font("Helvetica", "", 14)
    pdf.cell(0, 8, _latin1(f"{sheet.ward} ward assembly: give by card, scan a code"))
    top = MARGIN + 24
    if sheet.doubled_line:
        pdf.set_fill_color(255, 225, 77)
        pdf.set_xy(MARGIN, top)
        pdf.set_font("Helvetica", "B", 12)
        pdf.multi_cell(A4_WIDTH - 2 * MARGIN, 7, _latin1(sheet.doubled_line), fill=True)
        top = pdf.get_y() + 5
    footer_top = A4_HEIGHT - MARGIN - FOOTER_MM
    rows = (len(sheet.links) + 1) // 2
    row_height = min(QR_MM + 20, (footer_top - top) / max(rows, 1))
    size = min(QR_MM, row_height - 16)
    column_width = (A4_WIDTH - 2 * MARGIN) / 2
    for index, link in enumerate(sheet.links):
        x = MARGIN + (index % 2) * column_width
        y = top + (index // 2) * row_height
        _draw_qr(pdf, link.url, x + (column_width - size) / 2, y, size)
        pdf.set_xy(x, y + size + 1)
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(column_width, 6, _latin1(link.item.label), align="C")
        pdf.set_xy(x, y + size + 7)
        pdf.set_font("Helvetica", "", 7)
        pdf.cell(column_width, 4, _latin1(link.url), align="C")
    _footer(pdf, sheet, footer_top)
    if live_url:
        _live_page(pdf, sheet, live_url, footer_top)
    return bytes(pdf.output())


def _live_page(pdf: FPDF, sheet: KitSheet, url: str, footer_top: float) -> None:
    """The organiser's page: the ward's live page for the room's screen."""
    width = A4_WIDTH - 2 * MARGIN
    pdf.add_page()
    pdf.set_text_color(17, 17, 17)
    pdf.set_xy(MARGIN, MARGIN)
    pdf.set_font("Helvetica", "B", 20)
    pdf.multi_cell(width, 10, _latin1(f"For the organiser: {sheet.ward}'s live page"))
    pdf.set_x(MARGIN)
    pdf.set_font("Helvetica", "", 12)
    pdf.multi_cell(width, 6, _latin1("Put it on the room's screen: scan the code or type the "
                   "address. Not for the tables: donors give with the other page."))  # fmt: skip
    top = pdf.get_y() + 6
    _draw_qr(pdf, url, (A4_WIDTH - LIVE_QR_MM) / 2, top, LIVE_QR_MM)
    pdf.set_xy(MARGIN, top + LIVE_QR_MM + 3)
    pdf.set_font("Helvetica", "B", 11)
    pdf.multi_cell(width, 6, _latin1(url), align="C", link=url)
    pdf.set_font("Helvetica", "", 11)
    for step in LIVE_STEPS:
        pdf.set_x(MARGIN)
        pdf.multi_cell(width, 5.5, _latin1(f"- {step}"))
    _footer(pdf, sheet, footer_top)


def _footer(pdf: FPDF, sheet: KitSheet, top: float) -> None:
    """The organisation, the privacy line (its link clickable) and the imprint."""
    width = A4_WIDTH - 2 * MARGIN
    pdf.set_text_color(68, 68, 68)
    pdf.set_xy(MARGIN, top)
    pdf.set_font("Helvetica", "", 7.5)
    pdf.multi_cell(width, 3.4, _latin1(f"{sheet.organisation_line} Payments are taken "
                   "securely by Stripe. Monthly gifts can be cancelled at any time."))  # fmt: skip
    pdf.set_x(MARGIN)
    pdf.multi_cell(width, 3.4, _latin1(sheet.privacy_line), link=sheet.privacy_url)
    pdf.set_draw_color(187, 187, 187)
    pdf.line(MARGIN, pdf.get_y() + 1, A4_WIDTH - MARGIN, pdf.get_y() + 1)
    pdf.set_xy(MARGIN, pdf.get_y() + 2)
    pdf.set_text_color(17, 17, 17)
    pdf.multi_cell(width, 3.4, _latin1(sheet.imprint.printed))
