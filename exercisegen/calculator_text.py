"""Plain-text formatting of matrices and step views (for `exercisegen solve` and feedback files)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from exercisegen.notation import TIMES, Number, fmt_number, fmt_terms
from exercisegen.steps import CropStep, GatherView, Grid, MatrixView, ScatterView, WindowView

if TYPE_CHECKING:
    from exercisegen.calculator import Solution



def table(rows: Sequence[Sequence[str]], indent: str = "  ") -> str:
    """Right-aligned columns, two spaces apart."""
    if not rows:
        return ""
    widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]))]
    return "\n".join(
        indent + "  ".join(cell.rjust(widths[c]) for c, cell in enumerate(row)).rstrip()
        for row in rows
    )


def matrix_text(matrix: Sequence[Sequence[Number]], indent: str = "  ") -> str:
    """A matrix of numbers, one row per line."""
    return table([[fmt_number(v) for v in row] for row in matrix], indent)


def grid_text(grid: Grid, short: bool, show: str = "terms", indent: str = "  ") -> str:
    """A step grid: each cell's terms (`1+2`), or its value; untouched cells are `.`."""
    rows = []
    for row in grid:
        cells = []
        for cell in row:
            if not cell.terms:
                cells.append(".")
            elif show == "terms":
                cells.append(fmt_terms([(t.x, t.w) for t in cell.terms], short))
            else:
                cells.append(fmt_number(cell.value))
        rows.append(cells)
    return table(rows, indent)


def scatter_text(view: ScatterView) -> str:
    """The slides' step tables: Step 1..n with the running sums, then the crop."""
    parts = []
    short = view.kernel_all_ones
    for step in view.steps:
        parts.append(
            f"Step {step.number}: input[{step.row}][{step.col}] = {fmt_number(step.value)} "
            f"times the kernel, placed at row {step.top}, column {step.left}"
        )
        parts.append(grid_text(step.grid, short))
    parts.append(crop_text(view.crop, short))
    return "\n".join(parts)


def crop_text(crop: CropStep, short: bool) -> str:
    """The full output with removed rows/columns marked `x`, then the kept grid."""
    full_values = [[fmt_number(c.value) for c in row] for row in crop.full]
    marked = []
    for r, row in enumerate(full_values):
        marked.append(
            ["x" if r in crop.removed_rows or c in crop.removed_cols else v for c, v in enumerate(row)]
        )
    lines = ["Full output (before cropping):", grid_text(crop.full, short, show="values")]
    if crop.removed_rows or crop.removed_cols:
        lines.append(
            f"Crop: padding removes rows {_list(crop.removed_rows)} and columns "
            f"{_list(crop.removed_cols)} (marked x):"
        )
        lines.append(table(marked))
    else:
        lines.append("Crop: padding 0 removes nothing.")
    if crop.extra_rows or crop.extra_cols:
        lines.append(
            f"output_padding keeps rows {_list(crop.extra_rows)} and columns {_list(crop.extra_cols)} "
            "at the bottom/right."
        )
    lines.append("Output:")
    lines.append(grid_text(crop.output, short, show="values"))
    return "\n".join(lines)


def _list(items: Sequence[int]) -> str:
    return ", ".join(str(i) for i in items) if items else "none"


def gather_text(view: GatherView) -> str:
    """Zero-inserted input, bordered input, rotated kernel, result."""
    top, left, bottom, right = view.border
    return "\n".join(
        [
            "Gather view: insert stride−1 zeros between the input elements:",
            matrix_text(view.zero_inserted),
            f"add a border of d·(k−1)−p zeros (top {top}, left {left}, bottom {bottom}, right {right};"
            " negative = cut):",
            matrix_text(view.padded),
            "rotate the kernel by 180°:",
            matrix_text(view.rotated_kernel),
            "slide it with stride 1 (cross-correlation) to get:",
            matrix_text(view.output),
        ]
    )


def matrix_view_text(view: MatrixView) -> str:
    """C, the vector and the product."""
    rows, cols = len(view.matrix), len(view.matrix[0])
    what = "Cᵀ·vec(input)" if view.transposed else "C·vec(input)"
    return "\n".join(
        [
            f"Matrix view: C is the {rows}{TIMES}{cols} matrix of the convolution "
            f"{view.conv_input_shape[0]}{TIMES}{view.conv_input_shape[1]} → "
            f"{view.conv_output_shape[0]}{TIMES}{view.conv_output_shape[1]}:",
            matrix_text(view.matrix),
            "vec(input) = " + " ".join(fmt_number(v) for v in view.vector),
            f"{what} = " + " ".join(fmt_number(v) for v in view.product),
            "reshaped:",
            matrix_text(view.output),
        ]
    )


def window_text(view: WindowView) -> str:
    """conv2d window by window."""
    lines = ["Padded input:", matrix_text(view.padded)]
    for step in view.steps:
        terms = fmt_terms([(t.x, t.w) for t in step.terms], short=False)
        lines.append(
            f"out[{step.row}][{step.col}]: window at row {step.top}, column {step.left}: "
            f"{terms} = {fmt_number(step.value)}"
        )
    return "\n".join(lines)


def solution_text(sol: "Solution") -> str:
    """The `solve` report: parameters, input, kernel, shape formula, output, and the step views."""
    from exercisegen.notation import fmt_pair, shape_formula_symbols

    name = "conv_transpose2d" if sol.operation == "transposed" else "conv2d"
    params = f"stride {fmt_pair(sol.stride)}, padding {fmt_pair(sol.padding)}"
    if sol.operation == "transposed":
        params += f", output_padding {fmt_pair(sol.output_padding)}"
    params += f", dilation {fmt_pair(sol.dilation)}"
    h, w = len(sol.output), len(sol.output[0])
    lines = [
        f"{name}: {params}",
        "Input:",
        matrix_text(sol.input),
        "Kernel:",
        matrix_text(sol.kernel),
        f"Output shape: {shape_formula_symbols(sol.operation)}",
        f"  H_out = {sol.formulas[0]}",
        f"  W_out = {sol.formulas[1]}",
        f"Output ({h}{TIMES}{w}):",
        matrix_text(sol.output),
    ]
    writers = {"scatter": scatter_text, "gather": gather_text, "matrix": matrix_view_text, "window": window_text}
    for kind, view in sol.views:
        lines.append("")
        lines.append(writers[kind](view))  # type: ignore[operator]
    return "\n".join(lines)
