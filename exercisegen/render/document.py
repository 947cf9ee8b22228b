"""The student's PDF: page template with header, QR code and page numbers, and laying out stories.

`StudentDocument` lays out one or more students' stories in one PDF: every student's pages are
numbered "page i of n" on their own, and in a class packet each student starts on a new sheet. The
canvas is used only for that page furniture; everything else is a story of flowables.
"""

from __future__ import annotations

from functools import lru_cache
from typing import IO, Any, Sequence, Union

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfdoc import PDFDate, PDFDictionary, PDFInfo, PDFName, PDFString
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import ActionFlowable, BaseDocTemplate, Flowable, PageTemplate
from reportlab.platypus.frames import Frame as RLFrame

from exercisegen.render.fonts import font_for, safe
from exercisegen.render.styles import (
    BLACK,
    BOLD,
    FONT,
    FOOTER_HEIGHT,
    HEADER_HEIGHT,
    INK_FAINT,
    MARGIN,
    PAGE_SIZES,
    QR_SIZE,
    RULE,
    frame_for,
)
from exercisegen.textcheck import field_value
from exercisegen.variants import Key, Variant

Output = Union[str, IO[bytes]]


class _Info(PDFInfo):
    """Document info with the exercisegen keys (/ExercisegenSet, ...) next to the standard ones."""

    def __init__(self, base: PDFInfo, extra: dict[str, str]):
        super().__init__()
        self.__dict__.update(base.__dict__)
        self.extra = extra

    def format(self, document: Any) -> bytes:
        entries = {
            "Title": PDFString(self.title),
            "Author": PDFString(self.author),
            "Subject": PDFString(self.subject),
            "Creator": PDFString(self.creator),
            "Producer": PDFString(self.producer),
            "Keywords": PDFString(self.keywords),
            "Trapped": PDFName(self.trapped),
        }
        entries["CreationDate"] = entries["ModDate"] = PDFDate(
            ts=document._timeStamp, dateFormatter=self._dateFormatter
        )
        for key, value in self.extra.items():
            entries[key] = PDFString(value)
        return PDFDictionary(entries).format(document)


def _share_field_font(form: Any) -> None:
    """Make reportlab's AcroForm register the fields' font once, not once per field.

    `AcroForm.makeFont` adds a new font object on every call, so no two fields share an appearance
    stream; with the font shared, all empty boxes of one size share one stream (a far smaller and
    faster PDF: a worksheet has a hundred fields).
    """
    make_font = form.makeFont
    fonts: dict[Any, Any] = {}

    def shared(name: Any) -> Any:
        if name not in fonts:
            fonts[name] = make_font(name)
        return fonts[name]

    form.makeFont = shared


class _StudentEnd(ActionFlowable):
    """Closes a student's pages: fixes their page count; in a packet pads to an even count and breaks."""

    def __init__(self, last: bool, pad: bool):
        super().__init__()
        self.last, self.pad = last, pad

    def apply(self, doc: "StudentDocument") -> None:  # type: ignore[override]
        doc.end_student(last=self.last, pad=self.pad)


class StudentDocument(BaseDocTemplate):
    """A PDF of one or more students' pages with header, QR code of the variant code and page numbers."""

    def __init__(
        self,
        out: Output,
        key: Key,
        variants: Sequence[Variant],
        *,
        kind: str,
        fillable: bool,
        pad: bool,
    ):
        frame = frame_for(key.paper)
        single = variants[0] if len(variants) == 1 else None
        subject = f"{'Solutions' if kind == 'solution' else 'Worksheet'}"
        if single is not None:
            subject += f" for {single.student_id or single.code} (variant {single.code})"
        else:
            subject += f" packet: {len(variants)} students"
        super().__init__(
            out,
            pagesize=PAGE_SIZES[key.paper],
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN + HEADER_HEIGHT,
            bottomMargin=MARGIN + FOOTER_HEIGHT,
            title=safe(key.set_title),
            author=safe(key.course) or "exercisegen",
            subject=safe(subject),
            creator="exercisegen",
            producer="exercisegen (reportlab)",
            invariant=1,
        )
        body = RLFrame(
            MARGIN,
            MARGIN + FOOTER_HEIGHT,
            frame.width,
            frame.height,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )
        self.addPageTemplates([PageTemplate(id="page", frames=[body], onPage=self._furniture)])
        self.key = key
        self.variants = list(variants)
        self.kind = kind
        self.fillable = fillable
        self.field_prefix = ""
        self.extra_info = {"ExercisegenSet": key.set_title}
        if single is not None:
            self.extra_info["ExercisegenVariant"] = single.code
            self.extra_info["ExercisegenStudent"] = single.student_id
            free = [p.id for p in single.problems if not p.layout.reveal_shape]
            if free:  # lets `check` (without the key) ignore the unused boxes of these problems
                self.extra_info["ExercisegenFreeShape"] = ",".join(free)
        self.pad = pad
        self._student = 0  # index into variants of the student being laid out
        self._started = -1  # index of the student whose first page has begun
        self._first_page = 1
        self._blank = False

    def beforeDocument(self) -> None:
        self.canv._doc.info = _Info(self.canv._doc.info, self.extra_info)
        if self.fillable:
            _share_field_font(self.canv.acroForm)

    def end_student(self, *, last: bool, pad: bool) -> None:
        """Fix the current student's page count; pad to an even count in packets; go on to the next."""
        canv = self.canv
        pages = self.page - self._first_page + 1
        canv.beginForm(f"eg-pages-{self._student}")
        canv.setFont(FONT, 8)
        canv.drawString(0, 0, str(pages))
        canv.endForm()
        if last and not pad:
            return
        if not last or pages % 2:
            self.handle_pageBreak()
        if pad and pages % 2:
            self._blank = True
            self.clean_hanging()  # begins the blank page
            if not last:
                self.handle_pageBreak()
                self._blank = False
        self._student += 1

    def _furniture(self, canv: Any, doc: Any) -> None:
        """Header (title, course, name/ID, variant code, QR code) and footer (code, page i of n)."""
        page_w, page_h = self.pagesize
        if self._blank:
            canv.setFont(FONT, 9)
            canv.setFillColor(INK_FAINT)
            canv.drawCentredString(page_w / 2, page_h / 2, "This page is intentionally left blank.")
            return
        variant = self.variants[self._student]
        if self._started != self._student:
            self._started = self._student
            self._first_page = self.page
            self._define_qr(canv, variant)
            if self.fillable:
                self._id_fields(canv, variant)
        canv.saveState()
        top, left, right = page_h - MARGIN, MARGIN, page_w - MARGIN
        # QR code of the variant code, top right, with the code printed under the heading.
        canv.saveState()
        canv.translate(right - QR_SIZE, top - QR_SIZE)
        canv.doForm(f"eg-qr-{self._student}")
        canv.restoreState()
        text_right = right - QR_SIZE - 3 * mm
        canv.setFillColor(BLACK)
        canv.setFont(BOLD, 10)
        canv.drawRightString(text_right, top - 10, f"Variant {variant.code}")
        canv.setFont(FONT, 8.5)
        kind_label = "SOLUTIONS" if self.kind == "solution" else "Worksheet"
        canv.drawRightString(text_right, top - 21, kind_label)
        # Title and course, shrunk (then cut short) to leave room for the variant code.
        room = text_right - left - stringWidth(f"Variant {variant.code}", BOLD, 10) - 6 * mm
        title = safe(self.key.set_title)
        size = 13.0
        while size > 9 and stringWidth(title, BOLD, size) > room:
            size -= 0.5
        canv.setFont(BOLD, size)
        canv.drawString(left, top - 11, _clip(title, BOLD, size, room))
        if self.key.course:
            canv.setFont(FONT, 9)
            canv.drawString(left, top - 22, _clip(safe(self.key.course), FONT, 9, text_right - left - 20 * mm))
        # Name and ID: printed when known, else lines to write on.
        y = top - 39
        id_label_x = left + 95 * mm
        canv.setFont(FONT, 10)
        canv.drawString(left, y, "Name:")
        name_x = left + stringWidth("Name: ", FONT, 10)
        if variant.student_name:
            font, text = font_for(variant.student_name, bold=True)
            canv.setFont(font, 10)
            canv.drawString(name_x, y, _clip(text, font, 10, id_label_x - name_x - 4 * mm))
        else:
            self._write_line(canv, name_x, id_label_x - 4 * mm, y)
        canv.setFont(FONT, 10)
        canv.drawString(id_label_x, y, "ID:")
        id_x = id_label_x + stringWidth("ID: ", FONT, 10)
        if variant.student_id:
            font, text = font_for(variant.student_id, bold=True)
            canv.setFont(font, 10)
            canv.drawString(id_x, y, _clip(text, font, 10, text_right - id_x))
        else:
            self._write_line(canv, id_x, text_right, y)
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.6)
        rule_y = page_h - MARGIN - HEADER_HEIGHT + 2.5 * mm
        canv.line(left, rule_y, right, rule_y)
        # Footer: who and which page.
        y = MARGIN + 1.5 * mm
        canv.line(left, MARGIN + FOOTER_HEIGHT - 2 * mm, right, MARGIN + FOOTER_HEIGHT - 2 * mm)
        canv.setFillColor(BLACK)
        canv.setFont(FONT, 8)
        label = f"page {self.page - self._first_page + 1} of "
        x = right - stringWidth(label, FONT, 8) - stringWidth("000", FONT, 8)
        who = f"ID {variant.student_id}" if variant.student_id else "no student ID"
        footer_text = f"variant {variant.code} \u00b7 {who} \u00b7 {kind_label.lower()} \u00b7 {self.key.set_title}"
        font, footer = font_for(footer_text)
        canv.setFont(font, 8)
        canv.drawString(left, y, _clip(footer, font, 8, x - left - 4 * mm))
        canv.setFont(FONT, 8)
        canv.drawString(x, y, label)
        canv.saveState()
        canv.translate(x + stringWidth(label, FONT, 8), y)
        canv.doForm(f"eg-pages-{self._student}")  # defined when the student's last page is known
        canv.restoreState()
        canv.restoreState()

    @staticmethod
    def _write_line(canv: Any, x0: float, x1: float, y: float) -> None:
        canv.setStrokeColor(BLACK)
        canv.setLineWidth(0.6)
        canv.line(x0, y - 2, x1, y - 2)

    def _define_qr(self, canv: Any, variant: Variant) -> None:
        """The QR code of the variant code as a form, drawn on every page of the student."""
        runs, count = _qr_runs(variant.code)
        border = 2
        cell = QR_SIZE / (count + 2 * border)
        canv.beginForm(f"eg-qr-{self._student}", 0, 0, QR_SIZE, QR_SIZE)
        canv.setFillColor(BLACK)
        path = canv.beginPath()
        for r, c0, c1 in runs:
            path.rect((c0 + border) * cell, QR_SIZE - (r + border + 1) * cell, (c1 - c0) * cell, cell)
        canv.drawPath(path, stroke=0, fill=1)
        canv.endForm()

    def _id_fields(self, canv: Any, variant: Variant) -> None:
        """Read-only, hidden form fields carrying the variant code and the student id."""
        for i, (name, value) in enumerate((("variant_code", variant.code), ("student_id", variant.student_id))):
            canv.acroForm.textfield(
                name=f"{self.field_prefix}{name}",
                value=field_value(value),  # Helvetica's WinAnsi has no Ł or 王: percent-encoded
                x=MARGIN + i * 40 * mm,
                y=MARGIN,
                width=35 * mm,
                height=5 * mm,
                borderWidth=0,
                borderColor=None,
                fillColor=None,
                fieldFlags="readOnly",
                annotationFlags="hidden",
                fontName="Helvetica",
                fontSize=8,
            )


def _forget_layout(flowables: Sequence[Flowable]) -> None:
    """Clear the mark reportlab leaves on a flowable it moved to the next page (`_postponed`), so a
    story laid out once can be laid out again (a postponed flowable that still does not fit the
    next time would otherwise be reported as too large for any page)."""
    for flowable in flowables:
        flowable.__dict__.pop("_postponed", None)
        _forget_layout(getattr(flowable, "_content", ()))


def _clip(text: str, font: str, size: float, width: float) -> str:
    """`text`, cut short with an ellipsis if it is wider than `width`."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "\u2026", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "\u2026"


@lru_cache(maxsize=1024)
def _qr_runs(code: str) -> tuple[tuple[tuple[int, int, int], ...], int]:
    """The dark modules of the QR code of `code` as runs (row, first col, last col + 1), and its size."""
    from reportlab.graphics.barcode import qrencoder

    qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    qr.addData(code)
    qr.make()
    count = qr.getModuleCount()
    runs = []
    for r, row in enumerate(qr.modules):
        c = 0
        while c < count:
            if row[c]:
                start = c
                while c < count and row[c]:
                    c += 1
                runs.append((r, start, c))
            else:
                c += 1
    return tuple(runs), count


def build_document(
    out: Output,
    key: Key,
    stories: Sequence[tuple[Variant, list[Flowable]]],
    *,
    kind: str,
    fillable: bool,
    pad: bool,
) -> None:
    """Lay out the students' stories one after the other into `out` (path or binary file)."""
    from reportlab import rl_config

    doc = StudentDocument(out, key, [v for v, _ in stories], kind=kind, fillable=fillable, pad=pad)
    flowables: list[Flowable] = []
    for i, (_, story) in enumerate(stories):
        _forget_layout(story)
        flowables.extend(story)
        flowables.append(_StudentEnd(last=i == len(stories) - 1, pad=pad))
    # Binary (not ASCII85) streams: smaller files, and encoding them is a third of the save time.
    saved, rl_config.useA85 = rl_config.useA85, 0
    try:
        doc.build(flowables)
    finally:
        rl_config.useA85 = saved
