"""Class packets merged from the students' own PDFs, page by page (no second layout).

A packet holds every student's pages in roster order; a student with an odd page count is followed by
a page "intentionally left blank", so double-sided printing starts everyone on a new sheet. Worksheet
pages lose their form fields (packets are for printing; the answer boxes are drawn on the page itself).
The same inputs give the same bytes: pypdf writes objects in the order they were added, and the
document info is fixed.
"""

from __future__ import annotations

import io
from typing import Iterable, Union

from exercisegen.render.document import Output
from exercisegen.variants import Key

Source = Union[str, bytes]  # a path, or the PDF itself

BLANK_TEXT = "This page is intentionally left blank."
_KIND_SUBJECT = {"worksheet": "Worksheet", "solution": "Solutions"}


def blank_page_pdf(key: Key) -> bytes:
    """A one-page PDF saying the page is intentionally left blank, in the students' paper size."""
    from reportlab.pdfgen.canvas import Canvas

    from exercisegen.render.styles import FONT, INK_FAINT, PAGE_SIZES

    out = io.BytesIO()
    width, height = PAGE_SIZES[key.paper]
    canv = Canvas(out, pagesize=(width, height), invariant=1)
    canv.setFont(FONT, 9)
    canv.setFillColor(INK_FAINT)
    canv.drawCentredString(width / 2, height / 2, BLANK_TEXT)
    canv.showPage()
    canv.save()
    return out.getvalue()


def merge_packet(key: Key, sources: Iterable[Source], out: Output, kind: str, count: int) -> None:
    """Write the packet of `count` students' PDFs (`sources`, in order) of one kind into `out`."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    from exercisegen.render.fonts import safe

    writer = PdfWriter()
    blank = PdfReader(io.BytesIO(blank_page_pdf(key))).pages[0]
    for source in sources:
        reader = PdfReader(io.BytesIO(source) if isinstance(source, bytes) else source)
        for page in reader.pages:
            if "/Annots" in page:  # the worksheet's form fields: the boxes themselves are page content
                del page[NameObject("/Annots")]
            writer.add_page(page)
        if len(reader.pages) % 2:
            writer.add_page(blank)  # shares the blank page's content stream and font
    writer.add_metadata(
        {
            "/Title": safe(key.set_title),
            "/Author": safe(key.course) or "exercisegen",
            "/Subject": f"{_KIND_SUBJECT[kind]} packet: {count} students",
            "/Creator": "exercisegen",
            "/Producer": "exercisegen (reportlab, pypdf)",
            "/CreationDate": "D:20000101000000+00'00'",
            "/ModDate": "D:20000101000000+00'00'",
            "/ExercisegenSet": key.set_title,
        }
    )
    if isinstance(out, str):
        with open(out, "wb") as handle:
            writer.write(handle)
    else:
        writer.write(out)
