"""Grading reports as PDFs: one student's feedback, and the instructor's class summary with charts.

Both are stories of flowables on a plain page with a footer; the numbers come from `reports.py` and `feedback.py`
(`Result`, `summarize`), so the PDFs say exactly what gradebook.csv, results.json and the text
feedback say. Black-and-white printable: wrong cells get a thick frame and bold digits, blanks a
grey fill, bars are grey with black outlines. Output is reproducible (reportlab's invariant mode).
"""

from __future__ import annotations

from typing import IO, Any, Sequence, Union

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib.colors import Color
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.frames import Frame as RLFrame

from exercisegen.batch import BatchResult
from exercisegen.feedback import cell_text, problem_feedback, student_line
from exercisegen.notation import fmt_number
from exercisegen.problems.registry import mistake_named
from exercisegen.render.fonts import safe
from exercisegen.render.grids import EMPTY, LABEL_SIZE, CellGrid, FlowRow, GridCell, text_cell
from exercisegen.render.problem_parts import given_grids
from exercisegen.render.styles import (
    BLACK,
    BODY,
    FONT,
    MARGIN,
    NOTE,
    PAGE_SIZES,
    PROBLEM_HEADING,
    RULE,
    SMALL,
    para_text,
)
from exercisegen.reports import HISTOGRAM_BINS, fmt_score, score_of, summarize
from exercisegen.scoring import ProblemResult, Result
from exercisegen.submissions import Blank, Block
from exercisegen.variants import Key, Problem, Variant

Output = Union[str, IO[bytes]]

FOOTER = 10 * mm
CELL_WIDTH = 9 * mm
CELL_HEIGHT = 7 * mm
MIN_CELL_WIDTH = 4.5 * mm
BAR_FILL = Color(0.62, 0.62, 0.62)
HEADER_FILL = Color(0.88, 0.88, 0.88)

TITLE = PROBLEM_HEADING.clone("eg-report-title", fontSize=15, leading=19, spaceAfter=4)
SECTION = PROBLEM_HEADING.clone("eg-report-section", fontSize=12, leading=15, spaceBefore=10, spaceAfter=4)
CELL_TEXT = SMALL.clone("eg-report-cell", fontSize=8.5, leading=10.5)

TABLE_STYLE = TableStyle(
    [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, BLACK),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
)


class _ReportDocument(BaseDocTemplate):
    """A plain page: the story in the frame, a footer line with the document's name and page number."""

    def __init__(self, out: Output, paper: str, title: str, footer: str):
        width, height = PAGE_SIZES[paper]
        super().__init__(
            out,
            pagesize=(width, height),
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN + FOOTER,
            title=safe(title),
            author="exercisegen",
            creator="exercisegen",
            producer="exercisegen (reportlab)",
            invariant=1,
        )
        body = RLFrame(
            MARGIN,
            MARGIN + FOOTER,
            width - 2 * MARGIN,
            height - 2 * MARGIN - FOOTER,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )
        self.footer = safe(footer)
        self.addPageTemplates([PageTemplate(id="page", frames=[body], onPage=self._footer)])

    def _footer(self, canv: Any, doc: Any) -> None:
        width, _ = self.pagesize
        canv.saveState()
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.6)
        canv.line(MARGIN, MARGIN + FOOTER - 3 * mm, width - MARGIN, MARGIN + FOOTER - 3 * mm)
        canv.setFillColor(BLACK)
        canv.setFont(FONT, 8)
        canv.drawString(MARGIN, MARGIN + 1.5 * mm, self.footer)
        canv.drawRightString(width - MARGIN, MARGIN + 1.5 * mm, f"page {doc.page}")
        canv.restoreState()


def _para(text: str, style: Any = BODY) -> Paragraph:
    return Paragraph(para_text(text), style)


def _table(rows: list[list[Any]], widths: Sequence[float], right: Sequence[int] = ()) -> Table:
    """A table in TABLE_STYLE; the columns in `right` (numbers) are right-aligned."""
    table = Table(rows, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    table.setStyle(TABLE_STYLE)
    if right:
        table.setStyle(TableStyle([("ALIGN", (c, 0), (c, -1), "RIGHT") for c in right]))
    return table


# --- feedback --------------------------------------------------------------------------------


def _cell_width(cols: int, avail: float) -> float:
    return max(MIN_CELL_WIDTH, min(CELL_WIDTH, avail / max(cols, 1)))


def _grid(cells: list[list[GridCell]], caption: str, avail: float, labels: Sequence[str] = ()) -> CellGrid:
    cols = max((len(row) for row in cells), default=1)
    padded = [row + [EMPTY] * (cols - len(row)) for row in cells]
    width = _cell_width(cols, avail)
    if labels:
        width = max([width] + [stringWidth(label, FONT, LABEL_SIZE) + 3 * mm for label in labels])
    return CellGrid(padded, cell_width=width, cell_height=CELL_HEIGHT, caption=caption, col_labels=list(labels))


def _submitted_grids(
    result: ProblemResult, titles: Sequence[str], labels: Sequence[str], avail: float
) -> list[Flowable]:
    """The student's answer; when it has the right shape, wrong cells framed and bold, blanks grey."""
    wrong = set(result.wrong_cells)
    grids = []
    blocks: Sequence[Block] = result.submitted
    for b, block in enumerate(blocks):
        cells = []
        for r, row in enumerate(block):
            line = []
            for c, cell in enumerate(row):
                if result.shape_ok and isinstance(cell, Blank):
                    line.append(text_cell("?", fill="light"))
                elif result.shape_ok and (b, r, c) in wrong:
                    line.append(text_cell(safe(cell_text(cell)), bold=True, boxed=True))
                else:
                    line.append(text_cell(safe(cell_text(cell))))
            cells.append(line)
        title = "Your answer" + (f", {titles[b]}" if len(blocks) > 1 and b < len(titles) else "")
        grids.append(_grid(cells, title, avail, labels if result.shape_ok else ()))
    return grids


def _answer_grids(
    problem: Problem, result: ProblemResult, titles: Sequence[str], labels: Sequence[str], avail: float
) -> list[Flowable]:
    """The key's answer, with the cells the student got wrong framed."""
    answer = problem.answer
    wrong = set(result.wrong_cells)
    caption = problem.kind.key_caption
    grids = []
    for b, block in enumerate(answer):
        cells = [
            [text_cell(safe(fmt_number(v)), boxed=(b, r, c) in wrong) for c, v in enumerate(row)]
            for r, row in enumerate(block)
        ]
        title = caption + (f", {titles[b]}" if len(answer) > 1 and b < len(titles) else "")
        grids.append(_grid(cells, title, avail, labels))
    return grids


def feedback_story(result: Result, key_variant: Variant, reveal: bool, avail: float) -> list[Flowable]:
    """The flowables of one student's feedback."""
    problems = {p.id: p for p in key_variant.problems}
    story: list[Flowable] = [
        _para(f"Feedback: {result.set_title}", TITLE),
        _para(f"Student: {student_line(result)} \u00b7 Variant: {result.variant_code}"),
        _para(f"File: {result.filename}", NOTE),
        Spacer(1, 3 * mm),
        _para(
            f"Score: {score_of(result.score, result.max_score)} ({result.percent:.1f} %)",
            SECTION,
        ),
    ]
    rows: list[list[Any]] = [["Problem", "Points", "Score", "Result"]]
    for pr in result.problems:
        rows.append(
            [_para(pr.problem_id, CELL_TEXT), fmt_score(pr.points), fmt_score(pr.score), _para(pr.message, CELL_TEXT)]
        )
    story.append(_table(rows, [30 * mm, 16 * mm, 16 * mm, avail - 62 * mm], right=(1, 2)))
    story.append(Spacer(1, 2 * mm))
    story.append(_para("In the grids: a thick frame marks a wrong number, grey marks a cell left blank.", NOTE))
    for pr in result.problems:
        problem = problems[pr.problem_id]
        layout = problem.layout
        labels = layout.labels if len(layout.blocks) == 1 and layout.blocks[0][0] == 1 else ()
        parts: list[Flowable] = [
            _para(f"{pr.problem_id}: {score_of(pr.score, pr.points)}", SECTION),
            _para(problem.statement, SMALL),
            Spacer(1, 1.5 * mm),
        ]
        parts += [_para(line) for line in problem_feedback(pr, problem)]
        grids: list[Flowable] = list(given_grids(problem))
        if pr.submitted:
            grids += _submitted_grids(pr, layout.block_titles, labels, avail)
        if reveal and pr.cells_right < pr.cells_total:
            grids += _answer_grids(problem, pr, layout.block_titles, labels, avail)
        if grids:
            parts += [Spacer(1, 2 * mm), FlowRow(grids, gap_x=8 * mm, gap_y=4 * mm)]
        story.append(KeepTogether(parts))
    return story


def feedback_pdf(result: Result, key_variant: Variant, reveal: bool, path_or_buffer: Output, paper: str = "a4") -> None:
    """Write one student's feedback PDF (the correct answers only when `reveal`)."""
    footer = f"{result.set_title} \u00b7 feedback \u00b7 variant {result.variant_code} \u00b7 ID {result.student_id}"
    doc = _ReportDocument(path_or_buffer, paper, f"Feedback: {result.set_title}", footer)
    doc.build(feedback_story(result, key_variant, reveal, doc.width))


# --- class summary ---------------------------------------------------------------------------


def _histogram(histogram: Sequence[int], width: float) -> Drawing:
    """Vertical bars: how many students scored 0–10 %, 10–20 %, ..., 90–100 %."""
    height = 62 * mm
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 14 * mm, 12 * mm
    chart.width, chart.height = width - 18 * mm, height - 20 * mm
    chart.data = [list(histogram)]
    chart.bars[0].fillColor = BAR_FILL
    chart.bars[0].strokeColor = BLACK
    chart.bars[0].strokeWidth = 0.6
    step = 100 // HISTOGRAM_BINS
    chart.categoryAxis.categoryNames = [f"{lo}\u2013{lo + step}" for lo in range(0, 100, step)]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7.5
    top = max(max(histogram, default=0), 1)
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = top
    chart.valueAxis.valueStep = max(1, -(-top // 8))
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7.5
    chart.valueAxis.labelTextFormat = "%d"
    chart.barLabelFormat = lambda v: str(int(v)) if v else ""
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 5
    drawing.add(chart)
    drawing.add(
        String(
            chart.x + chart.width / 2,
            1.5 * mm,
            "score (% of the points)",
            fontName=FONT,
            fontSize=8,
            textAnchor="middle",
        )
    )
    drawing.add(String(2, chart.y + chart.height + 3, "students", fontName=FONT, fontSize=8))
    return drawing


def _problem_means(names: Sequence[str], percents: Sequence[float], width: float) -> Drawing:
    """Horizontal bars: the mean score of each problem in % of its points."""
    bar = 6 * mm
    height = len(names) * bar + 16 * mm
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    label_room = min(40 * mm, 6 * mm + 1.8 * max((len(n) for n in names), default=4) * mm)
    chart.x, chart.y = label_room, 10 * mm
    chart.width, chart.height = width - label_room - 12 * mm, len(names) * bar
    chart.data = [list(reversed(percents))]  # first problem on top
    chart.bars[0].fillColor = BAR_FILL
    chart.bars[0].strokeColor = BLACK
    chart.bars[0].strokeWidth = 0.6
    chart.categoryAxis.categoryNames = list(reversed(names))
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7.5
    chart.barLabelFormat = "%.0f %%"
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    drawing.add(
        String(
            chart.x + chart.width / 2,
            1.5 * mm,
            "mean score (% of the problem's points)",
            fontName=FONT,
            fontSize=8,
            textAnchor="middle",
        )
    )
    return drawing


def summary_story(batch: BatchResult, key: Key, avail: float) -> list[Flowable]:
    """The flowables of the instructor's class summary."""
    summary = summarize(batch)
    story: list[Flowable] = [_para(f"Class summary: {batch.set_title}", TITLE)]
    if key.course:
        story.append(_para(key.course, NOTE))
    counts = (
        f"{summary.graded} graded, {summary.missing} without a submission, {summary.errors} "
        f"file{'s' if summary.errors != 1 else ''} not graded (errors), {summary.superseded} older "
        f"file{'s' if summary.superseded != 1 else ''} not counted."
    )
    story += [Spacer(1, 2 * mm), _para(counts)]
    if summary.graded:
        story.append(
            _para(
                f"Mean score {summary.mean_percent:.1f} %, "
                f"median {summary.median_percent:.1f} % of {fmt_score(sum(batch.points))} points."
            )
        )
    story += [_para("Scores", SECTION), _histogram(summary.histogram, avail)]

    types = {p.id: p.type for v in key.variants[:1] for p in v.problems}
    story.append(_para("Problems", SECTION))
    rows: list[list[Any]] = [["Problem", "Type", "Points", "Mean score", "Mean %", "Full marks", "Answered"]]
    for stats in summary.problems:
        pct = 100 * stats.mean_score / stats.points if stats.points else 0.0
        rows.append(
            [
                _para(stats.problem_id, CELL_TEXT),
                types.get(stats.problem_id, ""),
                fmt_score(stats.points),
                fmt_score(stats.mean_score),
                f"{pct:.0f} %",
                f"{stats.full_marks} of {summary.graded}",
                f"{stats.answered} of {summary.graded}",
            ]
        )
    story.append(
        _table(rows, [34 * mm, 28 * mm, 16 * mm, 22 * mm, 17 * mm, 26 * mm, avail - 143 * mm], right=(2, 3, 4, 5, 6))
    )
    if summary.problems and summary.graded:
        percents = [100 * s.mean_score / s.points if s.points else 0.0 for s in summary.problems]
        story += [Spacer(1, 3 * mm), _problem_means([s.problem_id for s in summary.problems], percents, avail)]

    story.append(_para("Cells most often wrong", SECTION))
    if summary.wrong_cells:
        several = {pid for pid, b, *_ in summary.wrong_cells if b > 0}
        labels = {
            p.id: p.layout.labels for v in key.variants[:1] for p in v.problems
        }
        rows = [["Problem", "Cell", "Wrong in"]]
        for pid, b, r, c, n in summary.wrong_cells:
            names = labels.get(pid, ())
            where = names[c] if c < len(names) else f"row {r + 1}, column {c + 1}"
            where += f" (channel {b})" if pid in several else ""
            rows.append([_para(pid, CELL_TEXT), where, f"{n} of {summary.graded}"])
        story.append(_table(rows, [34 * mm, 50 * mm, 24 * mm], right=(2,)))
        story.append(_para("Counted over answers of the right shape; rows and columns are 1-based.", NOTE))
    else:
        story.append(_para("No wrong numbers in answers of the right shape.", NOTE))

    story.append(_para("Mistakes recognised", SECTION))
    if summary.mistakes:
        rows = [["Mistake", "Times", "Problems", "What the feedback says"]]
        for name, n, pids in summary.mistakes:
            rows.append(
                [
                    _para(name, CELL_TEXT),
                    str(n),
                    _para(", ".join(pids), CELL_TEXT),
                    _para(mistake_named(name).sentence, CELL_TEXT),
                ]
            )
        name_width = max(stringWidth(name, FONT, CELL_TEXT.fontSize) for name, _, _ in summary.mistakes) + 7
        widths = [name_width, 12 * mm, 27 * mm, avail - name_width - 39 * mm]
        story.append(_table(rows, widths, right=(1,)))
    else:
        story.append(_para("No wrong answer matched a known mistake.", NOTE))

    problems_listed = [e for e in batch.entries if e.status != "graded"]
    if problems_listed:
        story.append(_para("Not graded or not counted", SECTION))
        rows = [["Student", "File", "Status", "Why"]]
        for e in problems_listed:
            who = f"{e.student_name} ({e.student_id})" if e.student_name else e.student_id
            rows.append(
                [_para(who, CELL_TEXT), _para(e.path or "\u2013", CELL_TEXT), e.status, _para(e.message, CELL_TEXT)]
            )
        story.append(_table(rows, [36 * mm, 38 * mm, 20 * mm, avail - 94 * mm]))
    return story


def summary_pdf(batch: BatchResult, key: Key, path_or_buffer: Output) -> None:
    """Write the instructor's class summary PDF."""
    footer = f"{batch.set_title} \u00b7 class summary"
    doc = _ReportDocument(path_or_buffer, key.paper, f"Class summary: {batch.set_title}", footer)
    doc.build(summary_story(batch, key, doc.width))
