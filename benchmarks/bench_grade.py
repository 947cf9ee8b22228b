"""Time grading: a key for 1,000 students (the homework spec), 1,000 YAML answer sheets and 100 filled
worksheet PDFs, graded as batches. A third of the answers are right, a third carry a modelled mistake
(so diagnosis runs), a third have blanks and slips.

    python benchmarks/bench_grade.py                  # both approaches side by side, in one run
    python benchmarks/bench_grade.py --students 300 --pdfs 40

Side by side, each starting cold: "before" is the way main graded until issue 12 (pure-Python YAML
composer, every mistake's prediction computed through the numpy solver, PDFs parsed one after the
other with pypdf's get_fields; only the per-problem caches of solutions and layouts stay on); "now" is
the default (libyaml, predictions kept per problem, small integer convolutions by plain loops, PDF
fields read from the AcroForm field tree by a strict scanner, a process per core for the PDFs). Then the PDFs
alone once more, side by side: the field tree read through pypdf's objects vs the strict field scanner.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import time
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from exercisegen.batch import GRADED, grade_batch
from exercisegen.roster import numbered_students
from exercisegen.spec import load_spec
from exercisegen.variants import Key, Problem, Variant, build_key

SPEC = Path(__file__).resolve().parent.parent / "problem_specs" / "transposed_homework.yaml"


def written_answer(problem: Problem, rng: np.random.Generator) -> list:
    """What a simulated student writes: the answer, a mistake's prediction, or the answer with slips."""
    from exercisegen.problems.base import nested

    kind = rng.integers(3)
    single = problem.kind.single(problem.params)
    if kind == 1:
        predictions = [p for _, p in problem.kind.predictions(problem.params)]
        if predictions:
            return nested(predictions[int(rng.integers(len(predictions)))], single)
    answer: Any = nested(problem.answer, single)
    if kind == 2:
        flat = np.array(answer, dtype=object)
        index = tuple(int(rng.integers(n)) for n in flat.shape)
        flat[index] = "?" if rng.random() < 0.5 else int(rng.integers(-9, 10))
        return flat.tolist()
    return answer


def _blocks(answer: Any) -> list:
    if not isinstance(answer, list):
        return [[[answer]]]
    if not answer or not isinstance(answer[0], list):
        return [[answer]]
    return answer if isinstance(answer[0][0], list) else [answer]


def yaml_sheet(key: Key, variant: Variant, rng: np.random.Generator) -> bytes:
    lines = [f'set: "{key.set_title}"', f'student: "{variant.student_id}"', f'variant: "{variant.code}"', "answers:"]
    for problem in variant.problems:
        lines.append(f"  {problem.id}: |")
        for b, block in enumerate(_blocks(written_answer(problem, rng))):
            if b:
                lines.append("")
            lines += ["    " + " ".join(str(v) for v in row) for row in block]
    return ("\n".join(lines) + "\n").encode()


def filled_pdf(key: Key, variant: Variant, rng: np.random.Generator) -> bytes:
    from pypdf import PdfReader, PdfWriter

    from exercisegen.render import write_worksheet

    buf = io.BytesIO()
    write_worksheet(key, variant, buf)
    values = {}
    for problem in variant.problems:
        for b, block in enumerate(_blocks(written_answer(problem, rng))):
            for r, row in enumerate(block):
                for c, value in enumerate(row):
                    values[f"{problem.id}:{b}:{r}:{c}"] = str(value)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buf.getvalue())))
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@contextlib.contextmanager
def before() -> Iterator[None]:
    """Grade the way main did before issue 12 (see the module docstring)."""
    from exercisegen import diagnose, pdffields, solver, submissions, yamlload

    saved = (yamlload.load_located, diagnose.predictions_of, solver.SMALL_EXACT, submissions.read_pdf_fields)
    yamlload_load = yamlload.load_located
    submissions.load_located = lambda text, **kw: yamlload_load(text, fast=False, **kw)  # type: ignore[attr-defined]
    diagnose.predictions_of = lambda kind, params: kind.predictions(params)
    solver.SMALL_EXACT = 0
    submissions.read_pdf_fields = pdffields.read_pdf_fields_full
    try:
        yield
    finally:
        submissions.load_located = yamlload_load  # type: ignore[attr-defined]
        diagnose.predictions_of, solver.SMALL_EXACT, submissions.read_pdf_fields = saved[1:]


@contextlib.contextmanager
def pypdf_walk() -> Iterator[None]:
    """Read the field tree through pypdf's objects (the PDF path before the strict field scanner)."""
    from exercisegen import pdffields

    def unusual(*_: object) -> dict:
        raise pdffields._Unusual

    saved = pdffields._scan_fields
    pdffields._scan_fields = unusual  # type: ignore[assignment]
    try:
        yield
    finally:
        pdffields._scan_fields = saved


def _forget(key: Key) -> None:
    """Start cold: drop what earlier grading kept (solutions, layouts, predictions, scatter outputs)."""
    from exercisegen import diagnose
    from exercisegen.problems import grid, grid_ops

    grid._solved.cache_clear()
    grid_ops.full_output.cache_clear()
    diagnose._predictions.cache_clear()
    for variant in key.variants:
        for problem in variant.problems:
            problem.__dict__.pop("layout", None)


def timed(fn: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--pdfs", type=int, default=100)
    args = parser.parse_args()
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} on {os.cpu_count()} cores")
    rng = np.random.default_rng(0)
    key, t_key = timed(lambda: build_key(load_spec(str(SPEC)), numbered_students(args.students)))
    print(f"key for {args.students} students ({len(key.variants[0].problems)} problems each): {t_key:.1f} s")
    sheets = [(f"answers/{v.student_id}.yaml", 1.0, yaml_sheet(key, v, rng)) for v in key.variants]
    pdfs, t_make = timed(
        lambda: [(f"pdf/{v.student_id}.pdf", 1.0, filled_pdf(key, v, rng)) for v in key.variants[: args.pdfs]]
    )
    print(f"made {args.pdfs} filled worksheet PDFs in {t_make:.1f} s (not part of grading)")
    small = Key(key.set_title, key.spec_sha256, key.seed, key.variants[: args.pdfs])
    rates: dict[str, dict[str, float]] = {}
    for label in ("before", "now"):
        _forget(key)
        context = before() if label == "before" else contextlib.nullcontext()
        with context:
            jobs = 1 if label == "before" else (os.cpu_count() or 1)  # `grade` uses a process per core
            yaml_batch, t_yaml = timed(lambda: grade_batch(key, sheets, jobs=jobs))  # noqa: B023
            pdf_batch, t_pdf = timed(lambda: grade_batch(small, pdfs, jobs=jobs))  # noqa: B023
        for batch, what in ((yaml_batch, "YAML"), (pdf_batch, "PDF")):
            assert all(e.status == GRADED for e in batch.entries), f"{label} {what}: not all graded"
        rates[label] = {"yaml": len(sheets) / t_yaml, "pdf": len(pdfs) / t_pdf}
        print(
            f"{label:6s} (jobs {jobs}): {len(sheets)} YAML sheets in {t_yaml:.2f} s ({rates[label]['yaml']:.0f}/s); "
            f"{len(pdfs)} PDFs in {t_pdf:.2f} s ({rates[label]['pdf']:.0f}/s)"
        )
        if label == "before":
            reference = (yaml_batch, pdf_batch)
        else:
            assert (yaml_batch, pdf_batch) == reference, "the two approaches graded differently"
    for what in ("yaml", "pdf"):
        print(f"ratio now/before, {what}: {rates['now'][what] / rates['before'][what]:.1f}x")
    jobs = os.cpu_count() or 1
    pdf_rates = {}
    for label, context in (("pypdf field-tree walk", pypdf_walk()), ("strict field scanner", contextlib.nullcontext())):
        _forget(key)
        with context:
            batch, took = timed(lambda: grade_batch(small, pdfs, jobs=jobs))  # noqa: B023
        assert batch == reference[1], f"{label}: graded differently"
        pdf_rates[label] = len(pdfs) / took
        print(f"PDFs only, {label} (jobs {jobs}): {len(pdfs)} PDFs in {took:.2f} s ({pdf_rates[label]:.0f}/s)")
    print(f"ratio scanner/walk, pdf: {pdf_rates['strict field scanner'] / pdf_rates['pypdf field-tree walk']:.1f}x")


if __name__ == "__main__":
    main()
