"""Command-line interface: argument parsing, files in and out, error translation. No logic.

Every user mistake arrives here as an `ExercisegenError` and leaves as one `Error: ...` line
(a spec's errors as one line each) with exit status 2.
"""

from __future__ import annotations

import json
import sys
from typing import Any, Callable

import click

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


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
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

    from exercisegen.calc import solve_single
    from exercisegen.errors import ParameterError
    from exercisegen.notation import parse_matrix
    from exercisegen.textout import solution_text

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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
