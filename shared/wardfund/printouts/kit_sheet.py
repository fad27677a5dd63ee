"""The printable A4 sheet of a ward-assembly kit: HTML (QR codes as inline SVG) and PDF
(QR codes drawn as vector squares), one QR code per Payment Link."""

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


def sheet_html(sheet: KitSheet) -> str:
    codes = []
    for link in sheet.links:
        code = qr_code(link.url)
        modules = code.symbol_size(scale=1, border=QUIET_MODULES)[0]
        svg = code.svg_inline(
            scale=round(HTML_QR_MM / modules, 3), border=QUIET_MODULES, unit="mm", title=link.url
        )
        codes.append((link, svg))
    return environment().get_template("kit_sheet.html.j2").render(sheet=sheet, codes=codes)


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


def sheet_pdf(sheet: KitSheet) -> bytes:
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
    return bytes(pdf.output())


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
