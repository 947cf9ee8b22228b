"""Grading: score a submission cell by cell, name the mistake behind wrong answers, grade a whole batch.

Everything here is pure: `cli.py` reads the files and writes what `gradebook_csv`, `results_json`
and `feedback_text` return (and `render/report.py` draws the PDFs).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Any, Sequence

from exercisegen.answers import (
    Blank,
    Block,
    Submission,
    SubmittedAnswer,
    Unreadable,
    cell_name,
    cell_value,
    parse_submission,
    shape_problem,
    trim_blank_border,
)
from exercisegen.errors import SubmissionError
from exercisegen.mistakes import diagnose, mistake
from exercisegen.notation import fmt_number
from exercisegen.problems import problem_type
from exercisegen.variants import Key, Problem, Variant, check_code, normalize_code
from exercisegen.yamlload import clip

CellRef = tuple[int, int, int]  # (block, row, col), 0-based

GRADED, SUPERSEDED, ERROR = "graded", "superseded", "error"
HISTOGRAM_BINS = 10  # score histogram: 0–10 %, 10–20 %, ..., 90–100 %
TOP_CELLS = 10


@dataclass(frozen=True)
class ProblemResult:
    """How one problem of a submission was scored (cells 0-based; unreadable cells count as wrong)."""

    problem_id: str
    points: float
    score: float
    cells_total: int
    cells_right: int
    wrong_cells: tuple[CellRef, ...]
    blank_cells: tuple[CellRef, ...]
    shape_ok: bool
    message: str
    mistake: str | None  # the name of the diagnosed rule in exercisegen.mistakes
    submitted: tuple[Block, ...] = ()  # the answer as written, for feedback


@dataclass(frozen=True)
class Result:
    """A graded submission: whose, which file, and every problem's result."""

    filename: str
    set_title: str
    student_id: str
    student_name: str
    variant_code: str
    problems: tuple[ProblemResult, ...]

    @property
    def score(self) -> float:
        """Points scored."""
        return sum(p.score for p in self.problems)

    @property
    def max_score(self) -> float:
        """Points available."""
        return sum(p.points for p in self.problems)

    @property
    def percent(self) -> float:
        """Score as a percentage of the points available."""
        return 100.0 * self.score / self.max_score if self.max_score else 0.0


@dataclass(frozen=True)
class Entry:
    """One row of a batch: a submitted file (or a student without one) and what became of it."""

    path: str
    mtime: float
    status: str  # "graded" | "superseded" | "error"
    message: str
    student_id: str
    student_name: str
    variant_code: str
    result: Result | None


@dataclass(frozen=True)
class BatchResult:
    """A graded batch: every file, and every student of the key without a graded file."""

    set_title: str
    problem_ids: tuple[str, ...]
    points: tuple[float, ...]  # per problem, in problem_ids order
    entries: tuple[Entry, ...]


# --- one submission --------------------------------------------------------------------------


def _blocks_of(answer: list) -> list:
    """The key's answer as blocks (channels) of rows."""
    return answer if isinstance(answer[0][0], list) else [answer]


def _nested(blocks: tuple[Block, ...], channels: bool) -> list:
    """Submitted blocks in the answer's nested-list form (numbers; None for blank or unreadable)."""
    grids = [[[cell_value(cell) for cell in row] for row in block] for block in blocks]
    return grids if channels or len(grids) != 1 else grids[0]


def grade_problem(problem: Problem, answer: SubmittedAnswer | None) -> ProblemResult:
    """Score one problem: points × the fraction of cells right; a wrong-shaped grid scores 0."""
    expected = _blocks_of(problem.answer)
    shape = tuple((len(block), len(block[0])) for block in expected)
    total = sum(rows * cols for rows, cols in shape)
    blocks = answer.blocks if answer is not None else ()
    if blocks and not problem_type(problem.type).answer_layout(problem.params).reveal_shape:
        blocks = trim_blank_border(blocks)  # the grid was written into a larger box area
    cells = [
        (b, r, c, cell) for b, block in enumerate(blocks) for r, row in enumerate(block) for c, cell in enumerate(row)
    ]

    def result(
        right: int, wrong: tuple[CellRef, ...], blank: tuple[CellRef, ...], shape_ok: bool, message: str, found: Any
    ) -> ProblemResult:
        score = problem.points * right / total
        name = found.name if found is not None else None
        return ProblemResult(
            problem.id, problem.points, score, total, right, wrong, blank, shape_ok, message, name, blocks
        )

    if all(isinstance(cell, Blank) for *_, cell in cells):
        every = tuple((b, r, c) for b, (rows, cols) in enumerate(shape) for r in range(rows) for c in range(cols))
        return result(0, (), every, True, "not answered", None)
    channels = isinstance(problem.answer[0][0], list)
    submitted = _nested(blocks, channels)
    wrong_shape = shape_problem(blocks, shape)
    if wrong_shape:
        found = diagnose(problem.type, problem.params, problem.answer, submitted, atol=problem.atol, rtol=problem.rtol)
        return result(0, (), (), False, wrong_shape, found)
    values = tuple(tuple(tuple(cell_value(cell) for cell in row) for row in block) for block in blocks)
    marks = problem_type(problem.type).mark(problem.params, problem.answer, values, problem.atol, problem.rtol)
    right = sum(ok for block in marks for row in block for ok in row)
    blank = tuple((b, r, c) for b, r, c, cell in cells if isinstance(cell, Blank))
    wrong = tuple((b, r, c) for b, r, c, cell in cells if not isinstance(cell, Blank) and not marks[b][r][c])
    found = None
    if right < total:
        found = diagnose(problem.type, problem.params, problem.answer, submitted, atol=problem.atol, rtol=problem.rtol)
    return result(right, wrong, blank, True, _tally(right, total, len(wrong), len(blank)), found)


def _tally(right: int, total: int, wrong: int, blank: int) -> str:
    """`all 9 numbers right` or `6 of 9 numbers right (2 wrong, 1 blank)`."""
    if right == total:
        return f"all {total} numbers right" if total > 1 else "right"
    notes = [f"{wrong} wrong"] if wrong else []
    notes += [f"{blank} blank"] if blank else []
    if total == 1:
        return "wrong" if wrong else "blank"
    return f"{right} of {total} numbers right ({', '.join(notes)})"


def grade(key_variant: Variant, sub: Submission) -> Result:
    """Score every problem of `key_variant` against a submission (problems it lacks score 0)."""
    return Result(
        filename=sub.filename,
        set_title=sub.set_title,
        student_id=key_variant.student_id,
        student_name=key_variant.student_name,
        variant_code=key_variant.code,
        problems=tuple(grade_problem(p, sub.answers.get(p.id)) for p in key_variant.problems),
    )


# --- a batch ---------------------------------------------------------------------------------


def grade_batch(key: Key, submissions: Sequence[tuple[Any, float, bytes]]) -> BatchResult:
    """Grade (path, mtime, bytes) submissions against `key`; never raises.

    Unreadable files, wrong set titles and variant codes that are malformed, unknown or another
    student's become error entries. Of several graded files of one student the newest (mtime) counts,
    the others are `superseded`. Students of the key without any file get an error entry "no submission".
    """
    by_code = {normalize_code(v.code): v for v in key.variants}
    students = {v.student_id: v for v in key.variants}
    graded: dict[str, list[Entry]] = {}
    errors: list[Entry] = []
    for path, mtime, data in submissions:
        entry = _grade_file(key, by_code, students, str(path), float(mtime), data)
        if entry.status == GRADED:
            graded.setdefault(entry.student_id, []).append(entry)
        else:
            errors.append(entry)
    entries: list[Entry] = []
    for variant in key.variants:
        mine = sorted(graded.get(variant.student_id, []), key=lambda e: (e.mtime, e.path), reverse=True)
        if mine:
            newest = mine[0]
            older = [e.path for e in mine[1:]]
            note = f"also submitted {', '.join(older)} (older, not counted)" if older else ""
            entries.append(dataclasses.replace(newest, message=note))
            superseded = f"older than {newest.path}; not counted"
            entries.extend(dataclasses.replace(e, status=SUPERSEDED, message=superseded) for e in mine[1:])
        failed = sorted((e for e in errors if e.student_id == variant.student_id), key=lambda e: e.path)
        entries.extend(failed)
        if not mine and not failed:
            entries.append(
                Entry("", 0.0, ERROR, "no submission", variant.student_id, variant.student_name, variant.code, None)
            )
    entries.extend(sorted((e for e in errors if e.student_id not in students), key=lambda e: e.path))
    first = key.variants[0].problems if key.variants else ()
    return BatchResult(
        set_title=key.set_title,
        problem_ids=tuple(p.id for p in first),
        points=tuple(p.points for p in first),
        entries=tuple(entries),
    )


def _grade_file(
    key: Key, by_code: dict[str, Variant], students: dict[str, Variant], path: str, mtime: float, data: bytes
) -> Entry:
    """One file's entry: graded, or an error saying why not."""
    try:
        sub = parse_submission(data, path)
    except SubmissionError as exc:
        return Entry(path, mtime, ERROR, str(exc), "", "", "", None)
    except Exception as exc:  # a reader bug must not stop the batch
        message = f"{path}: could not be read ({type(exc).__name__}); please report this"
        return Entry(path, mtime, ERROR, message, "", "", "", None)
    claimed = students.get(sub.student_id)

    def error(message: str) -> Entry:
        name = claimed.student_name if claimed else ""
        return Entry(path, mtime, ERROR, f"{sub.filename}: {message}", sub.student_id, name, sub.variant_code, None)

    if sub.set_title != key.set_title:
        what = f"set {clip(sub.set_title)!r}" if sub.set_title else "no `set`"
        return error(f"{what}, but this key is for {clip(key.set_title)!r}; submit the answer sheet of this set")
    if not sub.variant_code:
        return error("no variant code; copy it from the worksheet")
    if not check_code(sub.variant_code):
        return error(f"variant code {clip(sub.variant_code)!r} is not valid (a typo?); not graded")
    variant = by_code.get(normalize_code(sub.variant_code))
    if variant is None:
        return error(f"variant code {sub.variant_code} is not in this key; not graded")
    if sub.student_id != variant.student_id:
        who = f"student {clip(sub.student_id)!r}" if sub.student_id else "a file without a student id"
        return error(f"variant code {variant.code} belongs to student {variant.student_id!r}, not to {who}; not graded")
    try:
        result = grade(variant, sub)
    except Exception as exc:  # a grading bug must not stop the batch
        return error(f"could not be graded ({type(exc).__name__}); please report this")
    return Entry(path, mtime, GRADED, "", variant.student_id, variant.student_name, variant.code, result)


# --- outputs ---------------------------------------------------------------------------------


def fmt_score(value: float) -> str:
    """Points with at most two decimals: `4`, `2.67`."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def score_of(score: float, points: float) -> str:
    """`2.67 of 4 points`, `0 of 1 point`."""
    return f"{fmt_score(score)} of {fmt_score(points)} point" + ("" if points == 1 else "s")


def _spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet will not run as a formula (file names and ids come from students)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def gradebook_csv(batch: BatchResult) -> str:
    """gradebook.csv: one row per entry; status `ok` (graded, counts) or `error` (unreadable, wrong
    set or code, missing, or an older duplicate); scores only on `ok` rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["student_id", "student_name", "variant", *batch.problem_ids, "total", "max", "percent", "status", "message"]
    )
    for entry in batch.entries:
        result = entry.result if entry.status == GRADED else None  # superseded files do not count
        if result is not None:
            scores = {p.problem_id: fmt_score(p.score) for p in result.problems}
            numbers = [scores.get(pid, "") for pid in batch.problem_ids]
            numbers += [fmt_score(result.score), fmt_score(result.max_score), f"{result.percent:.1f}"]
        else:
            numbers = [""] * (len(batch.problem_ids) + 2) + [""]
            numbers[-2] = fmt_score(sum(batch.points))
        text = [_spreadsheet_safe(v) for v in (entry.student_id, entry.student_name, entry.variant_code)]
        status = "ok" if entry.status == GRADED else "error"
        writer.writerow([*text, *numbers, status, _spreadsheet_safe(entry.message)])
    return out.getvalue()


def results_json(batch: BatchResult) -> dict[str, Any]:
    """results.json: every entry with its per-problem results, and the class summary."""
    return {
        "set": batch.set_title,
        "problems": [{"id": pid, "points": pts} for pid, pts in zip(batch.problem_ids, batch.points)],
        "entries": [_entry_json(e) for e in batch.entries],
        "summary": _summary_json(summarize(batch)),
    }


def _entry_json(entry: Entry) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "path": entry.path,
        "mtime": entry.mtime,
        "status": entry.status,
        "message": entry.message,
        "student_id": entry.student_id,
        "student_name": entry.student_name,
        "variant": entry.variant_code,
    }
    if entry.result is not None:
        r = entry.result
        doc.update(total=r.score, max=r.max_score, percent=round(r.percent, 2))
        doc["problems"] = [
            {
                "id": p.problem_id,
                "points": p.points,
                "score": p.score,
                "cells_total": p.cells_total,
                "cells_right": p.cells_right,
                "wrong_cells": [list(c) for c in p.wrong_cells],
                "blank_cells": [list(c) for c in p.blank_cells],
                "shape_ok": p.shape_ok,
                "message": p.message,
                "mistake": p.mistake,
            }
            for p in r.problems
        ]
    return doc


# --- class summary ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProblemStats:
    """How the class did on one problem."""

    problem_id: str
    points: float
    mean_score: float
    full_marks: int  # graded submissions with every cell right
    answered: int  # graded submissions that answered it at all


@dataclass(frozen=True)
class Summary:
    """The class at a glance: counts, score distribution, hard problems, cells and mistakes."""

    graded: int
    errors: int
    missing: int  # students of the key without any file
    superseded: int
    percents: tuple[float, ...]  # of every graded (counted) submission
    histogram: tuple[int, ...]  # counts per HISTOGRAM_BINS bins of 10 %, the last includes 100 %
    problems: tuple[ProblemStats, ...]
    wrong_cells: tuple[tuple[str, int, int, int, int], ...]  # (problem, block, row, col, times wrong)
    mistakes: tuple[tuple[str, int, tuple[str, ...]], ...]  # (rule name, times, problem ids)

    @property
    def mean_percent(self) -> float:
        """Mean score in percent (0 when nothing was graded)."""
        return statistics.fmean(self.percents) if self.percents else 0.0

    @property
    def median_percent(self) -> float:
        """Median score in percent (0 when nothing was graded)."""
        return statistics.median(self.percents) if self.percents else 0.0


def summarize(batch: BatchResult) -> Summary:
    """Class statistics over the graded entries of a batch."""
    results = [e.result for e in batch.entries if e.status == GRADED and e.result is not None]
    percents = tuple(r.percent for r in results)
    histogram = [0] * HISTOGRAM_BINS
    for value in percents:
        histogram[min(int(value // (100 / HISTOGRAM_BINS)), HISTOGRAM_BINS - 1)] += 1
    problems = []
    for pid, points in zip(batch.problem_ids, batch.points):
        mine = [p for r in results for p in r.problems if p.problem_id == pid]
        problems.append(
            ProblemStats(
                problem_id=pid,
                points=points,
                mean_score=statistics.fmean(p.score for p in mine) if mine else 0.0,
                full_marks=sum(p.cells_right == p.cells_total and p.shape_ok for p in mine),
                answered=sum(p.message != "not answered" for p in mine),
            )
        )
    cells: Counter[tuple[str, int, int, int]] = Counter()
    rules: Counter[str] = Counter()
    where: dict[str, set[str]] = {}
    for r in results:
        for p in r.problems:
            cells.update((p.problem_id, *c) for c in p.wrong_cells)
            if p.mistake:
                rules[p.mistake] += 1
                where.setdefault(p.mistake, set()).add(p.problem_id)
    order = {pid: i for i, pid in enumerate(batch.problem_ids)}
    top = sorted(cells.items(), key=lambda kv: (-kv[1], order.get(kv[0][0], len(order)), kv[0]))[:TOP_CELLS]
    return Summary(
        graded=len(results),
        errors=sum(e.status == ERROR and e.message != "no submission" for e in batch.entries),
        missing=sum(e.status == ERROR and e.message == "no submission" for e in batch.entries),
        superseded=sum(e.status == SUPERSEDED for e in batch.entries),
        percents=percents,
        histogram=tuple(histogram),
        problems=tuple(problems),
        wrong_cells=tuple((pid, b, row, col, n) for (pid, b, row, col), n in top),
        mistakes=tuple(
            (name, n, tuple(sorted(where[name], key=lambda pid: order.get(pid, len(order)))))
            for name, n in sorted(rules.items(), key=lambda kv: (-kv[1], kv[0]))
        ),
    )


def _summary_json(summary: Summary) -> dict[str, Any]:
    return {
        "graded": summary.graded,
        "errors": summary.errors,
        "missing": summary.missing,
        "superseded": summary.superseded,
        "mean_percent": round(summary.mean_percent, 2),
        "median_percent": round(summary.median_percent, 2),
        "histogram": list(summary.histogram),
        "problems": [
            {
                "id": p.problem_id,
                "points": p.points,
                "mean_score": round(p.mean_score, 4),
                "full_marks": p.full_marks,
                "answered": p.answered,
            }
            for p in summary.problems
        ],
        "wrong_cells": [
            {"problem": pid, "block": b, "row": r, "col": c, "count": n} for pid, b, r, c, n in summary.wrong_cells
        ],
        "mistakes": [
            {"name": name, "count": n, "problems": list(pids), "sentence": mistake(name).sentence}
            for name, n, pids in summary.mistakes
        ],
    }


# --- feedback --------------------------------------------------------------------------------


def correct_answer_lines(problem: Problem) -> list[str]:
    """The key's answer as text: labelled values for one-row answers, aligned grids otherwise."""
    layout = problem_type(problem.type).answer_layout(problem.params)
    blocks = _blocks_of(problem.answer)
    if layout.labels and len(blocks) == 1 and len(blocks[0]) == 1:
        return [", ".join(f"{label} {fmt_number(v)}" for label, v in zip(layout.labels, blocks[0][0]))]
    lines: list[str] = []
    for b, block in enumerate(blocks):
        if len(blocks) > 1:
            lines.append(layout.block_titles[b] if b < len(layout.block_titles) else f"channel {b}")
        lines.extend(aligned_rows([[fmt_number(v) for v in row] for row in block]))
    return lines


def aligned_rows(rows: list[list[str]]) -> list[str]:
    """Rows of texts right-aligned in columns."""
    width = max((len(t) for row in rows for t in row), default=1)
    return ["  ".join(t.rjust(width) for t in row) for row in rows]


def cell_text(cell: Any) -> str:
    """A submitted cell as the student wrote it."""
    if isinstance(cell, Blank):
        return "?"
    if isinstance(cell, Unreadable):
        return clip(cell.text, 20)
    return fmt_number(cell)


def problem_feedback(result: ProblemResult, problem: Problem) -> list[str]:
    """Lines about one problem: what is wrong or blank, the diagnosed mistake (without the answer)."""
    labels = problem_type(problem.type).answer_layout(problem.params).labels
    several = len(_blocks_of(problem.answer)) > 1

    def where(b: int, r: int, c: int) -> str:
        return labels[c] if labels and c < len(labels) else cell_name(b, r, c, several)

    lines = [result.message[:1].upper() + result.message[1:] + "."]
    if result.shape_ok and result.wrong_cells:
        shown = []
        for b, r, c in result.wrong_cells[:12]:
            cell = result.submitted[b][r][c]
            what = (
                f"{clip(cell.text, 20)!r} is not a number"
                if isinstance(cell, Unreadable)
                else f"you wrote {cell_text(cell)}"
            )
            shown.append(f"{where(b, r, c)} ({what})")
        more = len(result.wrong_cells) - len(shown)
        lines.append("Wrong: " + "; ".join(shown) + (f"; and {more} more" if more > 0 else "") + ".")
    if result.shape_ok and result.blank_cells and result.message != "not answered":
        names = [where(b, r, c) for b, r, c in result.blank_cells[:12]]
        more = len(result.blank_cells) - len(names)
        lines.append("Blank: " + "; ".join(names) + (f"; and {more} more" if more > 0 else "") + ".")
    if result.mistake:
        lines.append(mistake(result.mistake).sentence)
    comment = getattr(problem_type(problem.type), "comment", None)  # optional per-type remark
    if comment is not None and result.shape_ok and result.wrong_cells and result.submitted:
        values = tuple(tuple(tuple(cell_value(c) for c in row) for row in block) for block in result.submitted)
        remark = comment(problem.params, values)
        if remark:
            lines.append(remark)
    return lines


def student_line(result: Result) -> str:
    """`Ada Lovelace (s001)`, or just the id when the key has no name."""
    return f"{result.student_name} ({result.student_id})" if result.student_name else result.student_id


def feedback_text(result: Result, key_variant: Variant, reveal: bool) -> str:
    """A student's feedback as plain text: score, then per problem what is wrong, the likely mistake
    and (when `reveal`) the correct answer."""
    problems = {p.id: p for p in key_variant.problems}
    lines = [
        f"Feedback: {result.set_title}",
        f"Student: {student_line(result)}   Variant: {result.variant_code}",
        f"File: {result.filename}",
        f"Score: {score_of(result.score, result.max_score)} ({result.percent:.1f} %)",
    ]
    for pr in result.problems:
        problem = problems[pr.problem_id]
        lines += ["", f"{pr.problem_id}: {score_of(pr.score, pr.points)}"]
        lines += ["  " + line for line in problem_feedback(pr, problem)]
        if reveal and pr.cells_right < pr.cells_total:
            any_valid = " (any valid choice counts)" if problem.type == "design" else ""
            lines.append(f"  Correct answer{any_valid}:")
            lines += ["    " + line for line in correct_answer_lines(problem)]
    return "\n".join(lines) + "\n"
