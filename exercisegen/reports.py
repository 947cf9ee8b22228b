"""What a graded batch is written as: gradebook.csv, results.json and the class summary's numbers."""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Any

from exercisegen.batch import ERROR, GRADED, SUPERSEDED, BatchEntry, BatchResult
from exercisegen.problems.registry import mistake_named

HISTOGRAM_BINS = 10  # score histogram: 0–10 %, 10–20 %, ..., 90–100 %
TOP_CELLS = 10


def fmt_score(value: float) -> str:
    """Points with at most two decimals: `4`, `2.67`."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def score_of(score: float, points: float) -> str:
    """`2.67 of 4 points`, `0 of 1 point`."""
    return f"{fmt_score(score)} of {fmt_score(points)} point" + ("" if points == 1 else "s")


def spreadsheet_safe(text: str) -> str:
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
        text = [spreadsheet_safe(v) for v in (entry.student_id, entry.student_name, entry.variant_code)]
        status = "ok" if entry.status == GRADED else "error"
        writer.writerow([*text, *numbers, status, spreadsheet_safe(entry.message)])
    return out.getvalue()


def results_json(batch: BatchResult) -> dict[str, Any]:
    """results.json: every entry with its per-problem results, and the class summary."""
    return {
        "set": batch.set_title,
        "problems": [{"id": pid, "points": pts} for pid, pts in zip(batch.problem_ids, batch.points)],
        "entries": [_entry_json(e) for e in batch.entries],
        "summary": _summary_json(summarize(batch)),
    }


def _entry_json(entry: BatchEntry) -> dict[str, Any]:
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
                "mistake_cells": [list(c) for c in p.mistake_cells],
                "slip_cells": [list(c) for c in p.slip_cells],
                "note": p.note,
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
            {"name": name, "count": n, "problems": list(pids), "sentence": mistake_named(name).sentence}
            for name, n, pids in summary.mistakes
        ],
    }
