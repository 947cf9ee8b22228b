"""Command-line interface: argument parsing, files in and out, error translation. No logic.

Every user mistake arrives here as an `ExercisegenError` and leaves as one `Error: ...` line
(a spec's errors as one line each) with exit status 2.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, Callable

import click

from exercisegen.cli_options import gradebook_options, roster_options
from exercisegen.cli_scale import load_key, merge, merge_grades, scale_options
from exercisegen.errors import ExercisegenError, SpecError


class _Group(click.Group):
    """A click group that turns ExercisegenError into `Error: ...` lines and exit status 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SpecError as err:
            for message in err.messages:
                click.echo(message, err=True)
            count = len(err.messages)
            click.echo(
                f"Error: {count} problem{'s' if count != 1 else ''} in the spec; nothing was written",
                err=True,
            )
            ctx.exit(2)
        except ExercisegenError as err:
            click.echo(f"Error: {err}", err=True)
            ctx.exit(2)
        except OSError as err:
            where = f"{err.filename}: " if err.filename else ""
            click.echo(f"Error: {where}{err.strerror or err}", err=True)
            ctx.exit(2)
        except (click.exceptions.Exit, click.exceptions.ClickException, click.exceptions.Abort):
            raise
        except Exception as err:  # a bug, not a user mistake: one line unless debugging
            if os.environ.get("EXERCISEGEN_DEBUG"):
                raise
            click.echo(
                f"Error: internal error ({type(err).__name__}: {err}); please report it with the command "
                "you ran (set EXERCISEGEN_DEBUG=1 to see the traceback)",
                err=True,
            )
            ctx.exit(1)


@click.group(cls=_Group, commands=[merge, merge_grades], context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="exercisegen")
def main() -> None:
    """Randomized, auto-graded exercises on transposed convolutions.

    \b
    Instructors: exercisegen generate problem_specs/transposed_homework.yaml --variants 30 --out out/
    Everyone:    exercisegen solve transposed --input "1 2; 3 4" --kernel "1 1 1; 1 1 1; 1 1 1" --stride 2
    """


def _pair_option(name: str, default: int, help_text: str) -> Callable[[Any], Any]:
    return click.option(
        name,
        default=str(default),
        show_default=True,
        metavar="N|H,W",
        help=help_text,
    )


def _read_pair(text: str, name: str) -> Any:
    """`2` -> 2, `2,1` -> (2, 1)."""
    from exercisegen.errors import ParameterError

    parts = [p.strip() for p in text.replace("x", ",").split(",")]
    try:
        values = [int(p) for p in parts]
    except ValueError:
        raise ParameterError(f"{name} must be an integer or H,W, got {text!r}") from None
    if len(values) == 1:
        return values[0]
    if len(values) == 2:
        return (values[0], values[1])
    raise ParameterError(f"{name} must be an integer or H,W, got {text!r}")


@main.command()
@click.argument("operation", type=click.Choice(["transposed", "conv"]))
@click.option("--input", "input_text", required=True, help='Input matrix, rows separated by ";": "1 2; 3 4".')
@click.option("--kernel", "kernel_text", required=True, help='Kernel matrix: "1 1 1; 1 1 1; 1 1 1".')
@_pair_option("--stride", 1, "Stride (N or H,W).")
@_pair_option("--padding", 0, "Padding (N or H,W).")
@_pair_option("--output-padding", 0, "Output padding, transposed only (N or H,W).")
@_pair_option("--dilation", 1, "Dilation (N or H,W).")
@click.option("--steps", is_flag=True, help="Show the step-by-step views (slides' step tables).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: output, shape (and steps).")
def solve(
    operation: str,
    input_text: str,
    kernel_text: str,
    stride: str,
    padding: str,
    output_padding: str,
    dilation: str,
    steps: bool,
    as_json: bool,
) -> None:
    """Compute a transposed convolution (or a convolution) and explain it.

    \b
    Example:
      exercisegen solve transposed --input "1 2; 3 4" --kernel "1 1 1; 1 1 1; 1 1 1" \\
          --stride 2 --padding 1 --steps
    """
    import dataclasses

    from exercisegen.calculator import solve_single
    from exercisegen.calculator_text import solution_text
    from exercisegen.errors import ParameterError
    from exercisegen.notation import parse_matrix

    x = parse_matrix(input_text, "--input")
    w = parse_matrix(kernel_text, "--kernel")
    op = _read_pair(output_padding, "--output-padding")
    if operation == "conv" and op not in (0, (0, 0)):
        raise ParameterError("--output-padding only applies to `solve transposed`")
    sol = solve_single(
        operation,
        x,
        w,
        stride=_read_pair(stride, "--stride"),
        padding=_read_pair(padding, "--padding"),
        output_padding=op,
        dilation=_read_pair(dilation, "--dilation"),
        with_steps=steps,
    )
    if as_json:
        doc: dict[str, Any] = {"output": sol.output, "shape": [len(sol.output), len(sol.output[0])]}
        if steps:
            doc["steps"] = {kind: dataclasses.asdict(view) for kind, view in sol.views}
        click.echo(json.dumps(doc, ensure_ascii=False))
    else:
        click.echo(solution_text(sol))


def _read_bytes(path: str, what: str) -> bytes:
    """Read a file, turning OS errors into one-line user errors."""
    from exercisegen.errors import InputFileError

    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as err:
        raise InputFileError(f"{path}: cannot read the {what}: {err.strerror or err}") from None


def _load_specs(paths: tuple[str, ...]) -> list[Any]:
    """Load and fully check every spec (including drawability); raise one SpecError with all messages."""
    from exercisegen.spec import load_spec
    from exercisegen.variants import check_drawable

    specs, messages = [], []
    for path in paths:
        try:
            spec = load_spec(path)
        except SpecError as err:
            messages.extend(err.messages)
            continue
        problems = check_drawable(spec)
        if problems:
            messages.extend(problems)
        else:
            specs.append(spec)
    if messages:
        raise SpecError(messages)
    return specs


@main.command()
@click.argument("specs", nargs=-1, required=True, metavar="SPEC...")
def validate(specs: tuple[str, ...]) -> None:
    """Check problem specs and report every error with its line; writes nothing.

    \b
    Example:
      exercisegen validate problem_specs/*.yaml
    """
    for spec in _load_specs(specs):
        n = len(spec.problems)
        click.echo(f"ok: {spec.filename}: {n} problem{'s' if n != 1 else ''}, '{spec.title}'")


@main.command()
@click.argument("spec_path", metavar="SPEC")
@click.option("--variants", type=click.IntRange(1, 10000), default=300, show_default=True, help="Number of draws.")
def stress(spec_path: str, variants: int) -> None:
    """Draw a spec for many students and report spreads, zeros, look-alike mistakes, retries and slow draws.

    Alarming findings are lines starting with WARNING; exit status 1 when there are any.

    \b
    Example:
      exercisegen stress problem_specs/transposed_homework.yaml --variants 300
    """
    from exercisegen.stress import stress_test, stress_text, warnings_of

    report = stress_test(_load_specs((spec_path,))[0], variants)
    click.echo(stress_text(report), nl=False)
    sys.exit(1 if any(warnings_of(p) for p in report.problems) else 0)


@main.command()
@click.argument("spec_path", metavar="SPEC")
@click.option("--out", "out_dir", required=True, type=click.Path(), help="Directory to create.")
@click.option("--variants", type=int, default=None, help="Number of students (ids v001, v002, ...).")
@roster_options
@click.option("--seed", type=int, default=None, help="Overrides the spec's seed.")
@click.option("--secret-file", type=click.Path(), default=None, help="Secret for the HMAC that derives variants.")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default=None, help="Overrides the spec's paper.")
@click.option("--no-pdf", is_flag=True, help="Skip worksheets, solutions and packets.")
@click.option("--force", is_flag=True, help="Replace a non-empty --out directory.")
@scale_options(dask=True)
def generate(
    spec_path: str,
    out_dir: str,
    variants: int | None,
    roster: str | None,
    id_column: str | None,
    name_column: str | None,
    email_column: str | None,
    seed: int | None,
    secret_file: str | None,
    paper: str | None,
    no_pdf: bool,
    force: bool,
    jobs: int | None,
    quiet: bool,
    shard: str | None,
    dask_address: str | None,
) -> None:
    """Make every student's variant: key.json, answer templates, worksheet and solution PDFs.

    \b
    Example:
      exercisegen generate problem_specs/transposed_homework.yaml --roster class.csv --out hw1/
    """
    import dataclasses
    from pathlib import Path

    from exercisegen.cli_scale import write_generated
    from exercisegen.generate import draw_summary, font_warning
    from exercisegen.lms_roster import describe
    from exercisegen.outdir import claim

    target = Path(out_dir)
    with claim(target, force):  # a second run to the same --out refuses while this one works
        columns = (id_column, name_column, email_column)
        spec, key, read = _class_key(spec_path, variants, roster, columns, seed, secret_file)
        if paper is not None:
            key = dataclasses.replace(key, paper=paper)
        warning = None if no_pdf else font_warning(key)
        if warning:
            click.echo(warning, err=True)
        sharded = write_generated(target, force, key, not no_pdf, jobs, quiet, shard, dask_address)
    if sharded:
        return click.echo(sharded)
    n = len(key.variants)
    what = "key.json, answer templates" + ("" if no_pdf else ", worksheets, solutions and class packets")
    click.echo(f"wrote {target}/: {what} for {n} student{'s' if n != 1 else ''}")
    if read is not None and not read.classic:
        click.echo(describe(read))
    for line in draw_summary(spec, key):
        click.echo(line)


def _class_key(
    spec_path: str,
    variants: int | None,
    roster: str | None,
    columns: tuple[str | None, str | None, str | None],
    seed: int | None,
    secret_file: str | None,
) -> tuple[Any, Any, Any]:
    """The spec, every student's variant of it (the key) and the roster as read (None without one),
    from the shared class options; `columns` are --id-column, --name-column, --email-column."""
    from exercisegen.errors import RosterError
    from exercisegen.lms_roster import ColumnChoice, attach, read_roster
    from exercisegen.roster import numbered_students
    from exercisegen.variants import build_key

    if variants is not None and roster is not None:
        raise RosterError("give either --variants N or --roster FILE, not both")
    if roster is None and any(columns):
        raise RosterError("--id-column, --name-column and --email-column need --roster FILE")
    spec = _load_specs((spec_path,))[0]
    read = None
    if roster is not None:
        read = read_roster(_read_bytes(roster, "roster"), roster, ColumnChoice(*columns))
        students = read.pairs()
    else:
        students = numbered_students(1 if variants is None else variants)
    secret = None
    if secret_file is not None:
        secret = _read_bytes(secret_file, "secret file").strip()
        if len(secret) < 16:
            raise RosterError(f"{secret_file}: the secret must be at least 16 bytes; use e.g. `openssl rand -hex 32`")
    key = build_key(spec, students, seed=seed, secret=secret)
    return spec, key if read is None else attach(key, read), read


@main.command()
@click.argument("lms", type=click.Choice(["moodle", "canvas"]))
@click.argument("spec_path", metavar="SPEC")
@click.option("--out", "out_file", required=True, type=click.Path(), help="File: .xml (Moodle) or .zip (Canvas).")
@click.option("--variants", type=int, default=None, help="Number of variants (ids v001, v002, ...).")
@roster_options
@click.option("--seed", type=int, default=None, help="Overrides the spec's seed.")
@click.option("--secret-file", type=click.Path(), default=None, help="Secret for the HMAC that derives variants.")
@click.option("--force", is_flag=True, help="Replace an existing --out file.")
def export(
    lms: str,
    spec_path: str,
    out_file: str,
    variants: int | None,
    roster: str | None,
    id_column: str | None,
    name_column: str | None,
    email_column: str | None,
    seed: int | None,
    secret_file: str | None,
    force: bool,
) -> None:
    """Export every variant as an LMS quiz: Moodle XML (Cloze questions, a category per problem) or a
    Canvas QTI package (a question bank per problem). See README: "With Moodle", "With Canvas".

    \b
    Example:
      exercisegen export moodle problem_specs/transposed_homework.yaml --variants 30 --out hw3-moodle.xml
    """
    from pathlib import Path

    from exercisegen.outdir import write_file_atomically

    target = Path(out_file)
    key = _class_key(spec_path, variants, roster, (id_column, name_column, email_column), seed, secret_file)[1]
    if lms == "moodle":
        from exercisegen.export.moodle import moodle_xml

        data = moodle_xml(key).encode("utf-8")
    else:
        from exercisegen.export.canvas import canvas_qti_zip

        data = canvas_qti_zip(key)
    write_file_atomically(target, data, force)
    n, problems = len(key.variants), len(key.variants[0].problems)
    click.echo(f"wrote {target}: {lms} quiz, {problems} problems × {n} variant{'s' if n != 1 else ''}")


@main.command()
@click.option("--key", "key_path", required=True, type=click.Path(), help="key.json written by generate.")
@click.argument("submissions", nargs=-1, required=True, metavar="SUBMISSION_OR_FOLDER...")
@click.option("--out", "out_dir", required=True, type=click.Path(), help="Grades directory to create.")
@click.option("--no-reveal", is_flag=True, help="Feedback does not show the correct answers.")
@click.option("--force", is_flag=True, help="Replace an existing grades directory.")
@gradebook_options
@scale_options(dask=False)
def grade(
    key_path: str,
    submissions: tuple[str, ...],
    out_dir: str,
    no_reveal: bool,
    force: bool,
    gradebook: str | None,
    assignment: str | None,
    jobs: int | None,
    quiet: bool,
    shard: str | None,
) -> None:
    """Grade answer sheets (YAML/JSON) and filled worksheet PDFs, also as Canvas's or Moodle's
    "download all submissions" zip or folder; write gradebook, feedback, summary.

    Exit status: 0 when every student was graded, 1 when some rows are errors, 2 for usage errors.

    \b
    Example:
      exercisegen grade --key hw1/key.json submissions/ --out hw1-grades/
      exercisegen grade --key hw1/key.json submissions.zip --gradebook canvas --out hw1-grades/
    """
    from pathlib import Path

    from exercisegen.batch import GRADED
    from exercisegen.cli_scale import grade_files_with_progress, grade_shard
    from exercisegen.gradebooks import write_gradebook
    from exercisegen.gradefiles import write_grades
    from exercisegen.lms_zip import collect
    from exercisegen.outdir import claim, write_atomically
    from exercisegen.progress import cores

    target = Path(out_dir)
    with claim(target, force):  # a second run to the same --out refuses while this one works
        key, files = load_key(key_path), collect(list(submissions))
        if shard is not None:
            grade_shard(key, files, target, force, shard, not no_reveal, jobs, quiet)
        batch = grade_files_with_progress(key, files, jobs, quiet)

        def fill(tmp: Path) -> None:
            write_grades(batch, key, tmp, reveal=not no_reveal, jobs=cores(jobs))
            if gradebook is not None:
                write_gradebook(batch, key, tmp, gradebook, assignment)

        write_atomically(target, force, fill)
    graded = sum(e.status == GRADED for e in batch.entries)
    problems = [e for e in batch.entries if e.status != GRADED]
    click.echo(f"graded {graded} of {len(key.variants)} students; {len(problems)} error rows; wrote {target}/")
    for entry in problems[:20]:
        who = entry.student_id or entry.path
        click.echo(f"  {who}: {entry.message}")
    if len(problems) > 20:
        click.echo(f"  ... and {len(problems) - 20} more (see {target}/gradebook.csv)")
    sys.exit(1 if problems else 0)


@main.command()
@click.argument("answer_file")
@click.option("--key", "key_path", type=click.Path(), default=None, help="Also check shapes against key.json.")
def check(answer_file: str, key_path: str | None) -> None:
    """Tell whether an answer file can be read and graded: every cell filled, numbers readable,
    variant code well-formed. Exit 0 when ready, 1 when something needs fixing.

    \b
    Example:
      exercisegen check answers/s001.yaml
    """
    from exercisegen.check import check_submission
    from exercisegen.errors import SubmissionError
    from exercisegen.gradefiles import read_submission
    from exercisegen.submissions import parse_submission
    from exercisegen.templates import layouts_of
    from exercisegen.variants import normalize_code

    shown, _, data = read_submission(answer_file)  # a regular file only (a named pipe would block)
    if isinstance(data, SubmissionError):
        raise data
    sub = parse_submission(data, shown)
    layouts = None
    if key_path is not None:
        key = load_key(key_path)
        variant = next((v for v in key.variants if v.code == normalize_code(sub.variant_code)), None)
        if variant is not None:
            layouts = layouts_of(variant)
    messages = check_submission(sub, layouts)
    if messages:
        click.echo(f"{shown}: not ready yet:")
        for message in messages:
            click.echo(f"  {message}")
        sys.exit(1)
    n = len(sub.answers)
    click.echo(f"{shown}: ready to submit (variant {sub.variant_code}, {n} answer{'s' if n != 1 else ''})")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
