"""How well the grader names mistakes: wrong procedures written here from their definitions (plain
loops over the key's numbers; none of the package's rules, solver or parameter tweaks is called) are
applied to the homework's variants, their answers graded with `grade_problem`, and the names counted.

Figures:
- exact: a student follows one wrong procedure exactly. Detectable when the result differs from the
  right answer, is not all zeros (never named, by design) and no other modelled procedure gives the same
  grid. Named correctly / misnamed (another rule named) / not named.
- slip: a detectable exact case with one cell changed to another number (answers of ≥ 6 cells: smaller
  ones allow no slip). Correct when the procedure is named and exactly that cell is listed as the slip.
  Left out (ambiguous) when another procedure's grid is as close to the slipped answer.
- never named: random answers, the right answer with 1–3 slips, all-zero answers (which must get the
  plain note instead) and empty answers; any name counts (answers equal to a modelled procedure's grid,
  and design choices that a design mistake describes, are left out as coincident).
- unmodelled procedures (kernel turned by 90°, input transposed, stride ignored but output_padding
  kept): how often they are named anyway (as the modelled mistake they come within a slip or two of).

Run: python benchmarks/mistake_naming.py [--students 300]
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from exercisegen.diagnose import ALL_ZERO_NOTE
from exercisegen.roster import numbered_students
from exercisegen.scoring import ProblemResult, grade_problem
from exercisegen.spec import load_spec
from exercisegen.submissions import Blank, SubmittedAnswer
from exercisegen.variants import Problem, build_key

SPEC = Path(__file__).resolve().parent.parent / "problem_specs" / "transposed_homework.yaml"

Grid = list[list[int]]
Params = dict[str, Any]


# --- plain helpers ------------------------------------------------------------------------------


def pair(v: Any) -> tuple[int, int]:
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def zeros(h: int, w: int) -> Grid:
    return [[0] * w for _ in range(h)]


def rotate(w: Grid) -> Grid:
    return [list(reversed(row)) for row in reversed(w)]


def scatter(x: Grid, w: Grid, s: tuple[int, int], d: tuple[int, int], overwrite: bool = False) -> Grid:
    """Every input value stamps value·kernel at (i·s, j·s), kernel entries d apart; stamps add (or overwrite)."""
    h, wd, kh, kw = len(x), len(x[0]), len(w), len(w[0])
    out = zeros((h - 1) * s[0] + d[0] * (kh - 1) + 1, (wd - 1) * s[1] + d[1] * (kw - 1) + 1)
    for i in range(h):
        for j in range(wd):
            for a in range(kh):
                for b in range(kw):
                    r, c = i * s[0] + a * d[0], j * s[1] + b * d[1]
                    if overwrite:
                        out[r][c] = x[i][j] * w[a][b]
                    else:
                        out[r][c] += x[i][j] * w[a][b]
    return out


def window(full: Grid, top: int, left: int, h: int, w: int) -> Optional[Grid]:
    """Rows top.. and columns left.. of `full`, h × w; cells outside `full` are 0. None if empty."""
    if h < 1 or w < 1:
        return None
    out = zeros(h, w)
    for r in range(h):
        for c in range(w):
            rr, cc = top + r, left + c
            if 0 <= rr < len(full) and 0 <= cc < len(full[0]):
                out[r][c] = full[rr][cc]
    return out


def pad(x: Grid, top: int, bottom: int, left: int, right: int) -> Grid:
    w = len(x[0]) + left + right
    return [[0] * w for _ in range(top)] + [[0] * left + row + [0] * right for row in x] + [
        [0] * w for _ in range(bottom)
    ]


def correlate(x: Grid, w: Grid, s: tuple[int, int], d: tuple[int, int], ceil: bool = False) -> Optional[Grid]:
    """Slide w over x (no padding), stride s, dilation d; `ceil` also counts last windows that stick out."""
    kh, kw = len(w), len(w[0])
    span = (d[0] * (kh - 1) + 1, d[1] * (kw - 1) + 1)
    counts = []
    for a, n in enumerate((len(x), len(x[0]))):
        room = n - span[a]
        if room < 0:
            return None
        counts.append(-(-room // s[a]) + 1 if ceil else room // s[a] + 1)
    out = zeros(*counts)
    for i in range(counts[0]):
        for j in range(counts[1]):
            total = 0
            for a in range(kh):
                for b in range(kw):
                    r, c = i * s[0] + a * d[0], j * s[1] + b * d[1]
                    if r < len(x) and c < len(x[0]):
                        total += x[r][c] * w[a][b]
            out[i][j] = total
    return out


def zero_insert(x: Grid, s: tuple[int, int]) -> Grid:
    out = zeros((len(x) - 1) * s[0] + 1, (len(x[0]) - 1) * s[1] + 1)
    for i, row in enumerate(x):
        for j, v in enumerate(row):
            out[i * s[0]][j * s[1]] = v
    return out


# --- the right answers, from the definitions ------------------------------------------------------


def tconv_params(p: Params) -> tuple[Grid, Grid, tuple[int, int], tuple[int, int], tuple[int, int], tuple[int, int]]:
    return p["input"], p["kernel"], pair(p["stride"]), pair(p["padding"]), pair(p.get("output_padding", 0)), pair(
        p["dilation"]
    )


def tconv_right(p: Params) -> Optional[Grid]:
    x, w, s, pd, op, d = tconv_params(p)
    full = scatter(x, w, s, d)
    return window(full, pd[0], pd[1], len(full) - 2 * pd[0] + op[0], len(full[0]) - 2 * pd[1] + op[1])


def conv_right(p: Params) -> Optional[Grid]:
    x, w, s, pd, _, d = tconv_params(p)
    return correlate(pad(x, pd[0], pd[0], pd[1], pd[1]), w, s, d)


# --- wrong procedures: transposed_conv ----------------------------------------------------------------


def t_forgot_crop(p: Params) -> Optional[Grid]:
    x, w, s, pd, op, d = tconv_params(p)
    if pd == (0, 0):
        return None
    full = scatter(x, w, s, d)
    return window(full, 0, 0, len(full) + op[0], len(full[0]) + op[1])


def t_cropped_top_left(p: Params) -> Optional[Grid]:
    x, w, s, pd, op, d = tconv_params(p)
    full = scatter(x, w, s, d)
    return window(full, pd[0], pd[1], len(full) - pd[0] + op[0], len(full[0]) - pd[1] + op[1])


def t_cropped_bottom_right(p: Params) -> Optional[Grid]:
    x, w, s, pd, op, d = tconv_params(p)
    full = scatter(x, w, s, d)
    return window(full, 0, 0, len(full) - pd[0] + op[0], len(full[0]) - pd[1] + op[1])


def t_cropped_twice(p: Params) -> Optional[Grid]:
    x, w, s, pd, op, d = tconv_params(p)
    full = scatter(x, w, s, d)
    return window(full, 2 * pd[0], 2 * pd[1], len(full) - 4 * pd[0] + op[0], len(full[0]) - 4 * pd[1] + op[1])


def t_padded_input(p: Params) -> Optional[Grid]:
    """Pad the input with p zeros as for a convolution, scatter, crop nothing (output_padding still added)."""
    x, w, s, pd, op, d = tconv_params(p)
    full = scatter(pad(x, pd[0], pd[0], pd[1], pd[1]), w, s, d)
    return window(full, 0, 0, len(full) + op[0], len(full[0]) + op[1])


def t_computed_conv(p: Params) -> Optional[Grid]:
    return conv_right(p)


def t_ignored_stride(p: Params) -> Optional[Grid]:
    """Stride taken as 1; output_padding then has to go (it must be smaller than the stride)."""
    return tconv_right(dict(p, stride=1, output_padding=0))


def t_inserted_s_zeros(p: Params) -> Optional[Grid]:
    s = pair(p["stride"])
    return tconv_right(dict(p, stride=[s[0] + 1, s[1] + 1]))


def t_tiled(p: Params) -> Optional[Grid]:
    """Copies placed side by side: each starts where the previous one ends (or s apart if that is further)."""
    x, w, s, pd, op, d = tconv_params(p)
    span = (d[0] * (len(w) - 1) + 1, d[1] * (len(w[0]) - 1) + 1)
    return tconv_right(dict(p, stride=[max(s[0], span[0]), max(s[1], span[1])]))


def t_overwrote(p: Params) -> Optional[Grid]:
    x, w, s, pd, op, d = tconv_params(p)
    full = scatter(x, w, s, d, overwrite=True)
    return window(full, pd[0], pd[1], len(full) - 2 * pd[0] + op[0], len(full[0]) - 2 * pd[1] + op[1])


def _gather(p: Params, kernel: Grid, border: tuple[int, int]) -> Optional[Grid]:
    x, w, s, pd, op, d = tconv_params(p)
    spread = zero_insert(x, s)
    if min(border) < 0:
        return None
    return correlate(pad(spread, border[0], border[0] + op[0], border[1], border[1] + op[1]), kernel, (1, 1), d)


def t_unflipped(p: Params) -> Optional[Grid]:
    """The gather view (zero-insert, border d·(k−1)−p, slide) with the kernel not rotated."""
    x, w, s, pd, op, d = tconv_params(p)
    border = (d[0] * (len(w) - 1) - pd[0], d[1] * (len(w[0]) - 1) - pd[1])
    return _gather(p, w, border)


def t_gather_border_p(p: Params) -> Optional[Grid]:
    x, w, s, pd, op, d = tconv_params(p)
    return _gather(p, rotate(w), pd)


def t_op_top_left(p: Params) -> Optional[Grid]:
    x, w, s, pd, op, d = tconv_params(p)
    full = scatter(x, w, s, d)
    return window(full, pd[0] - op[0], pd[1] - op[1], len(full) - 2 * pd[0] + op[0], len(full[0]) - 2 * pd[1] + op[1])


def t_op_as_zeros(p: Params) -> Optional[Grid]:
    x, w, s, pd, op, d = tconv_params(p)
    full = scatter(x, w, s, d)
    cropped = window(full, pd[0], pd[1], len(full) - 2 * pd[0], len(full[0]) - 2 * pd[1])
    if cropped is None:
        return None
    return window(cropped, 0, 0, len(cropped) + op[0], len(cropped[0]) + op[1])


def t_ignored_op(p: Params) -> Optional[Grid]:
    return tconv_right(dict(p, output_padding=0))


def t_ignored_dilation(p: Params) -> Optional[Grid]:
    x, w, s, pd, op, d = tconv_params(p)
    keep = [min(op[a], max(s[a], 1) - 1) for a in (0, 1)]  # output_padding must stay below the stride
    return tconv_right(dict(p, dilation=1, output_padding=keep))


def t_kernel_transposed(p: Params) -> Optional[Grid]:
    """The kernel read column by column (transposed)."""
    w = p["kernel"]
    return tconv_right(dict(p, kernel=[list(col) for col in zip(*w)]))


def _gather_right_border(p: Params, kernel: Grid) -> Optional[Grid]:
    x, w, s, pd, op, d = tconv_params(p)
    return _gather(p, kernel, (d[0] * (len(w) - 1) - pd[0], d[1] * (len(w[0]) - 1) - pd[1]))


def t_gather_mirrored(p: Params) -> Optional[Grid]:
    """The gather view with the kernel mirrored left to right instead of rotated."""
    return _gather_right_border(p, [list(reversed(row)) for row in p["kernel"]])


def t_gather_upside_down(p: Params) -> Optional[Grid]:
    """The gather view with the kernel turned upside down instead of rotated."""
    return _gather_right_border(p, [list(row) for row in reversed(p["kernel"])])


def t_kernel_quarter_turn(p: Params) -> Optional[Grid]:
    """Unmodelled: the kernel turned by 90° (clockwise) before stamping."""
    w = p["kernel"]
    return tconv_right(dict(p, kernel=[list(row) for row in zip(*reversed(w))]))


def t_input_transposed(p: Params) -> Optional[Grid]:
    """Unmodelled: the input read column by column (transposed)."""
    return tconv_right(dict(p, input=[list(col) for col in zip(*p["input"])]))


def t_stride_ignored_op_kept(p: Params) -> Optional[Grid]:
    """Unmodelled: stride 1 but output_padding still added (not a valid PyTorch call)."""
    x, w, s, pd, op, d = tconv_params(p)
    if op == (0, 0):
        return None
    full = scatter(x, w, (1, 1), d)
    return window(full, pd[0], pd[1], len(full) - 2 * pd[0] + op[0], len(full[0]) - 2 * pd[1] + op[1])


# --- wrong procedures: conv ---------------------------------------------------------------------------


def c_flipped(p: Params) -> Optional[Grid]:
    return conv_right(dict(p, kernel=rotate(p["kernel"])))


def c_forgot_padding(p: Params) -> Optional[Grid]:
    return conv_right(dict(p, padding=0))


def c_padded_one_side(p: Params) -> Optional[Grid]:
    x, w, s, pd, _, d = tconv_params(p)
    return correlate(pad(x, pd[0], 0, pd[1], 0), w, s, d)


def c_ceil(p: Params) -> Optional[Grid]:
    x, w, s, pd, _, d = tconv_params(p)
    return correlate(pad(x, pd[0], pd[0], pd[1], pd[1]), w, s, d, ceil=True)


def c_ignored_dilation(p: Params) -> Optional[Grid]:
    return conv_right(dict(p, dilation=1))


def c_computed_transposed(p: Params) -> Optional[Grid]:
    return tconv_right(dict(p, output_padding=0))


def c_ignored_stride(p: Params) -> Optional[Grid]:
    return conv_right(dict(p, stride=1))


# --- wrong procedures: output_shape (one row [H_out, W_out]) -----------------------------------------


def _sizes(p: Params) -> Any:
    return [pair(p[n]) for n in ("input_size", "kernel_size", "stride", "padding", "output_padding", "dilation")]


def _each(f: Callable[..., int], p: Params) -> Optional[Grid]:
    i, k, s, pd, op, d = _sizes(p)
    h, w = (f(i[a], k[a], s[a], pd[a], op[a], d[a]) for a in (0, 1))
    return [[h, w]] if h >= 1 and w >= 1 else None


def _t(i: int, k: int, s: int, p: int, op: int, d: int) -> int:
    return (i - 1) * s - 2 * p + d * (k - 1) + op + 1


def _c(i: int, k: int, s: int, p: int, op: int, d: int) -> int:
    return (i + 2 * p - d * (k - 1) - 1) // s + 1


def shape_right(p: Params) -> Optional[Grid]:
    return _each(_t if p["operation"] == "transposed" else _c, p)


def s_added_padding(p: Params) -> Optional[Grid]:
    if p["operation"] != "transposed":
        return None
    return _each(lambda i, k, s, pd, op, d: (i - 1) * s + 2 * pd + d * (k - 1) + op + 1, p)


def s_conv_formula(p: Params) -> Optional[Grid]:
    return _each(_c, p) if p["operation"] == "transposed" else None


def s_transposed_formula(p: Params) -> Optional[Grid]:
    return _each(lambda i, k, s, pd, op, d: _t(i, k, s, pd, 0, d), p) if p["operation"] == "conv" else None


def s_ignored_dilation(p: Params) -> Optional[Grid]:
    f = _t if p["operation"] == "transposed" else _c
    return _each(lambda i, k, s, pd, op, d: f(i, k, s, pd, op, 1), p)


def s_ceil(p: Params) -> Optional[Grid]:
    if p["operation"] != "conv":
        return None
    return _each(lambda i, k, s, pd, op, d: -(-(i + 2 * pd - d * (k - 1) - 1) // s) + 1, p)


def s_ignored_op(p: Params) -> Optional[Grid]:
    return _each(lambda i, k, s, pd, op, d: _t(i, k, s, pd, 0, d), p) if p["operation"] == "transposed" else None


def s_times_stride(p: Params) -> Optional[Grid]:
    return _each(lambda i, k, s, pd, op, d: i * s, p) if p["operation"] == "transposed" else None


def s_missing_plus_one(p: Params) -> Optional[Grid]:
    f = _t if p["operation"] == "transposed" else _c
    return _each(lambda i, k, s, pd, op, d: f(i, k, s, pd, op, d) - 1, p)


# --- wrong procedures: conv_matrix (task matrix) ------------------------------------------------------


def _matrix(p: Params, kernel: Grid, column_major: bool = False) -> Optional[Grid]:
    """C from its definition: row = output cell, column = input cell, each vec row- or column-major."""
    if p["task"] != "matrix":
        return None
    (h, w), s, pd = pair(p["input_size"]), pair(p["stride"]), pair(p["padding"])
    kh, kw = len(kernel), len(kernel[0])
    ho, wo = (h + 2 * pd[0] - kh) // s[0] + 1, (w + 2 * pd[1] - kw) // s[1] + 1
    out = zeros(ho * wo, h * w)
    for i in range(ho):
        for j in range(wo):
            row = j * ho + i if column_major else i * wo + j
            for a in range(kh):
                for b in range(kw):
                    r, c = i * s[0] - pd[0] + a, j * s[1] - pd[1] + b
                    if 0 <= r < h and 0 <= c < w:
                        out[row][c * h + r if column_major else r * w + c] += kernel[a][b]
    return out


def matrix_right(p: Params) -> Optional[Grid]:
    return _matrix(p, p["kernel"])


def m_column_major(p: Params) -> Optional[Grid]:
    return _matrix(p, p["kernel"], column_major=True)


def m_flipped(p: Params) -> Optional[Grid]:
    return _matrix(p, rotate(p["kernel"]))


def m_transposed(p: Params) -> Optional[Grid]:
    c = _matrix(p, p["kernel"])
    return None if c is None else [list(col) for col in zip(*c)]


# --- wrong procedures: design (any valid choice is right) ------------------------------------------


def design_valid(p: Params, k: int, s: int, pd: int, op: int) -> bool:
    d = p["dilation"]
    return s >= 1 and pd >= 0 and 0 <= op < max(s, d) and _t(p["input_size"], k, s, pd, op, d) == p["output_size"]


def design_fits_a_wrong_formula(p: Params, grid: Grid) -> bool:
    """A choice the design mistakes describe: it fits conv2d's formula, or the transposed one only with
    output_padding >= max(stride, dilation)."""
    if len(grid) != 1 or len(grid[0]) != 3 or any(not isinstance(v, int) for v in grid[0]):
        return False
    s, pd, op = grid[0]
    i, o, k, d = p["input_size"], p["output_size"], p["kernel_size"], p["dilation"]
    if s < 1 or pd < 0 or op < 0 or design_valid(p, k, s, pd, op):
        return False
    return _c(i, k, s, pd, 0, d) == o or (op >= max(s, d) and _t(i, k, s, pd, op, d) == o)


def d_conv_formula(p: Params) -> Optional[Grid]:
    """Solve the convolution's formula for the sizes: the first stride (1, 2, ...) and padding that fit."""
    i, o, k, d = p["input_size"], p["output_size"], p["kernel_size"], p["dilation"]
    if p["choose_kernel"]:
        return None
    for s in range(1, 6):
        for pd in range(0, 3 * o + k):
            if _c(i, k, s, pd, 0, d) == o:
                return None if design_valid(p, k, s, pd, 0) else [[s, pd, 0]]
    return None


def d_op_too_large(p: Params) -> Optional[Grid]:
    """Reach the size with output_padding alone: stride 1, then 2, ...; padding 0 first."""
    i, o, k, d = p["input_size"], p["output_size"], p["kernel_size"], p["dilation"]
    if p["choose_kernel"]:
        return None
    for s in range(1, 6):
        for pd in range(0, 4):
            op = o - _t(i, k, s, pd, 0, d)
            if op >= max(s, d):
                return [[s, pd, op]]
    return None


# --- the catalogue ---------------------------------------------------------------------------------

# (problem type, rule the grader should name or None for unmodelled, procedure)
PROCEDURES: list[tuple[str, Optional[str], Callable[[Params], Optional[Grid]]]] = [
    ("transposed_conv", "forgot_crop", t_forgot_crop),
    ("transposed_conv", "cropped_top_left_only", t_cropped_top_left),
    ("transposed_conv", "cropped_bottom_right_only", t_cropped_bottom_right),
    ("transposed_conv", "cropped_twice", t_cropped_twice),
    ("transposed_conv", "padded_input", t_padded_input),
    ("transposed_conv", "computed_conv", t_computed_conv),
    ("transposed_conv", "ignored_stride", t_ignored_stride),
    ("transposed_conv", "inserted_s_zeros", t_inserted_s_zeros),
    ("transposed_conv", "tiled_without_overlap", t_tiled),
    ("transposed_conv", "overwrote_overlaps", t_overwrote),
    ("transposed_conv", "unflipped_kernel", t_unflipped),
    ("transposed_conv", "gather_border_p", t_gather_border_p),
    ("transposed_conv", "output_padding_top_left", t_op_top_left),
    ("transposed_conv", "output_padding_as_zeros", t_op_as_zeros),
    ("transposed_conv", "ignored_output_padding", t_ignored_op),
    ("transposed_conv", "ignored_dilation", t_ignored_dilation),
    ("transposed_conv", "transposed_kernel", t_kernel_transposed),
    ("transposed_conv", "flipped_left_right_only", t_gather_mirrored),
    ("transposed_conv", "flipped_upside_down_only", t_gather_upside_down),
    ("transposed_conv", None, t_kernel_quarter_turn),
    ("transposed_conv", None, t_input_transposed),
    ("transposed_conv", None, t_stride_ignored_op_kept),
    ("conv", "conv_flipped_kernel", c_flipped),
    ("conv", "conv_forgot_padding", c_forgot_padding),
    ("conv", "conv_padded_one_side", c_padded_one_side),
    ("conv", "conv_ceil", c_ceil),
    ("conv", "conv_ignored_dilation", c_ignored_dilation),
    ("conv", "conv_computed_transposed", c_computed_transposed),
    ("conv", "conv_ignored_stride", c_ignored_stride),
    ("output_shape", "shape_added_padding", s_added_padding),
    ("output_shape", "shape_conv_formula", s_conv_formula),
    ("output_shape", "shape_transposed_formula", s_transposed_formula),
    ("output_shape", "shape_ignored_dilation", s_ignored_dilation),
    ("output_shape", "shape_ceil", s_ceil),
    ("output_shape", "shape_ignored_output_padding", s_ignored_op),
    ("output_shape", "shape_input_times_stride", s_times_stride),
    ("output_shape", "shape_missing_plus_one", s_missing_plus_one),
    ("conv_matrix", "matrix_column_major", m_column_major),
    ("conv_matrix", "matrix_flipped_kernel", m_flipped),
    ("conv_matrix", "matrix_transposed", m_transposed),
    ("design", "design_conv_formula", d_conv_formula),
    ("design", "design_output_padding_too_large", d_op_too_large),
]

RIGHT: dict[str, Callable[[Params], Optional[Grid]]] = {
    "transposed_conv": tconv_right,
    "conv": conv_right,
    "output_shape": shape_right,
    "conv_matrix": matrix_right,
}


# --- measuring -------------------------------------------------------------------------------------


@dataclass
class Tally:
    """Counts for one procedure."""

    cases: int = 0  # the procedure applies and gives a wrong answer
    detectable: int = 0
    named_right: int = 0
    misnamed: Counter[str] = field(default_factory=Counter)
    slip_cases: int = 0
    slip_right: int = 0
    slip_misnamed: Counter[str] = field(default_factory=Counter)
    slip_ambiguous: int = 0


@dataclass
class Figures:
    """Everything measured."""

    variants: int
    tallies: dict[str, Tally]
    never: dict[str, list[int]]  # kind of answer -> [answers, named]
    seconds: float
    failures: list[str] = field(default_factory=list)  # the first few cases named wrongly or not at all

    def detectable(self) -> int:
        return sum(t.detectable for n, t in self.tallies.items() if not n.startswith("("))

    def named_right(self) -> int:
        return sum(t.named_right for n, t in self.tallies.items() if not n.startswith("("))

    def misnamed(self) -> int:
        """Modelled procedures named as another rule (exactly or with a slip)."""
        return sum(
            sum(t.misnamed.values()) + sum(t.slip_misnamed.values())
            for n, t in self.tallies.items()
            if not n.startswith("(")
        )

    def slip_cases(self) -> int:
        return sum(t.slip_cases for t in self.tallies.values())

    def slip_right(self) -> int:
        return sum(t.slip_right for t in self.tallies.values())


def _submitted(grid: Grid | list[list[Any]]) -> SubmittedAnswer:
    return SubmittedAnswer(((tuple(tuple(Blank() if v is None else v for v in row) for row in grid)),))


def _grade(problem: Problem, grid: list[list[Any]]) -> ProblemResult:
    return grade_problem(problem, _submitted(grid))


def _distance(a: Grid, b: Grid) -> Optional[int]:
    if len(a) != len(b) or any(len(ra) != len(rb) for ra, rb in zip(a, b)):
        return None
    return sum(u != v for ra, rb in zip(a, b) for u, v in zip(ra, rb))


def _near(a: Grid, b: Grid) -> bool:
    """At most one cell apart (same shape)."""
    distance = _distance(a, b)
    return distance is not None and distance <= 1


def _all_zero(grid: Grid) -> bool:
    return all(v == 0 for row in grid for v in row)


@dataclass
class _Run:
    """What a measurement collects as it goes."""

    rng: random.Random
    tallies: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    never: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    failures: list[str] = field(default_factory=list)

    def failed(self, where: str, what: str, grid: Any, result: ProblemResult) -> None:
        if len(self.failures) < 400:
            self.failures.append(f"{where} {what}: {grid} -> {result.mistake} {result.slip_cells} ({result.message})")


def measure(students: int, seed: int = 1) -> Figures:
    """Apply every procedure to every problem of `students` homework variants and grade the results."""
    start = time.perf_counter()
    key = build_key(load_spec(str(SPEC)), numbered_students(students))
    run = _Run(random.Random(seed))
    for variant in key.variants:
        for problem in variant.problems:
            _measure_problem(run, f"{variant.code} {problem.id}", problem)
    return Figures(len(key.variants), dict(run.tallies), dict(run.never), time.perf_counter() - start, run.failures)


def _as_2d(p: Params) -> Params:
    """A 1-D problem's parameters as the one-row 2-D problem it is."""
    return dict(
        input=[list(p["input"])],
        kernel=[list(p["kernel"])],
        stride=[1, p["stride"]],
        padding=[0, p["padding"]],
        output_padding=[0, p.get("output_padding", 0)],
        dilation=[1, p["dilation"]],
    )


ONE_ROW = {"transposed_conv_1d": "transposed_conv", "conv_1d": "conv"}  # 1-D types share the 2-D rules


def _measure_problem(run: _Run, where: str, problem: Problem) -> None:
    ptype = problem.kind.name
    p = problem.kind.params_to_json(problem.params)
    if ptype in ONE_ROW:
        ptype, p = ONE_ROW[ptype], _as_2d(p)
    procs = [(rule, f) for t, rule, f in PROCEDURES if t == ptype]
    right_of = RIGHT.get(ptype)
    right = right_of(p) if right_of else None
    if right is not None:  # the key agrees with the definition
        assert right == [list(r) for r in problem.answer[0]], where

    def wrong(grid: Optional[Grid]) -> bool:
        if grid is None:
            return False
        if ptype == "design":
            return not design_valid(p, p["kernel_size"], *grid[0])
        return grid != right

    answers = [(rule or f"(unmodelled {f.__name__})", rule, f(p)) for rule, f in procs]
    modelled = [(rule, g) for _, rule, g in answers if rule is not None and g is not None and wrong(g)]
    for label, rule, grid in answers:
        if grid is None or not wrong(grid):
            continue
        tally = run.tallies[label]
        tally.cases += 1
        if _all_zero(grid) or any(r != rule and g == grid for r, g in modelled):
            continue  # never named by design, or two procedures give this grid
        result = _grade(problem, grid)
        if rule is None:
            run.never["unmodelled procedure"][0] += 1
            run.never["unmodelled procedure"][1] += result.mistake is not None
            if result.mistake is not None:
                tally.misnamed[result.mistake] += 1
                run.failed(where, label, grid, result)
            continue
        tally.detectable += 1
        if result.mistake == rule:
            tally.named_right += 1
        else:
            run.failed(where, rule, grid, result)
            if result.mistake is not None:
                tally.misnamed[result.mistake] += 1
        _with_a_slip(run, where, problem, rule, grid, modelled, tally)
    _never_named(run, where, problem, [g for _, g in modelled])


def _with_a_slip(
    run: _Run, where: str, problem: Problem, rule: str, grid: Grid, modelled: list[tuple[str, Grid]], tally: Tally
) -> None:
    """The procedure's grid with one cell changed by 1 to 3: named, with that cell as the slip?"""
    cells = [(r, c) for r in range(len(grid)) for c in range(len(grid[0]))]
    if len(cells) < 6:  # the grader allows no slip in smaller answers
        return
    r, c = run.rng.choice(cells)
    slipped = [row[:] for row in grid]
    slipped[r][c] = grid[r][c] + run.rng.choice([-3, -2, -1, 1, 2, 3])
    if any(other != rule and _near(g, slipped) for other, g in modelled) or _all_zero(slipped):
        tally.slip_ambiguous += 1
        return
    tally.slip_cases += 1
    result = _grade(problem, slipped)
    if result.mistake == rule and result.slip_cells == ((0, r, c),):
        tally.slip_right += 1
        return
    run.failed(where, f"{rule} + slip at {(r, c)}", slipped, result)
    if result.mistake not in (None, rule):
        tally.slip_misnamed[result.mistake] += 1


def _coincident(problem: Problem, grid: Grid) -> bool:
    """A design choice that happens to be what a design mistake describes (then naming it is right)."""
    if problem.kind.name != "design":
        return False  # (grids equal to a modelled procedure's are left out where they are made)
    return design_fits_a_wrong_formula(problem.kind.params_to_json(problem.params), grid)


def _never_named(run: _Run, where: str, problem: Problem, modelled: list[Grid]) -> None:
    """Random, all-zero and empty answers: none may be named."""
    answer = [list(r) for r in problem.answer[0]]
    values = [v for row in answer for v in row]
    lo, hi = min(values) - 2, max(values) + 2
    shapes = {(len(answer), len(answer[0]))} | {(len(g), len(g[0])) for g in modelled}
    for h, w in sorted(shapes):
        for _ in range(2):
            grid = [[run.rng.randint(lo, hi) for _ in range(w)] for _ in range(h)]
            if grid == answer or any(grid == g for g in modelled) or _coincident(problem, grid):
                continue
            run.never["random"][0] += 1
            result = _grade(problem, grid)
            run.never["random"][1] += result.mistake is not None
            if result.mistake is not None:
                run.failed(where, "random", grid, result)
        if (h, w) == (len(answer), len(answer[0])) and h * w >= 2:
            # the right answer with 1 to 3 cells changed: slips only, no mistake
            grid = [row[:] for row in answer]
            every = [(r, c) for r in range(h) for c in range(w)]
            for r, c in run.rng.sample(every, min(h * w, run.rng.randint(1, 3))):
                grid[r][c] += run.rng.choice([-3, -2, -1, 1, 2, 3])
            if not any(grid == g for g in modelled) and not _coincident(problem, grid):
                run.never["right answer with slips"][0] += 1
                result = _grade(problem, grid)
                run.never["right answer with slips"][1] += result.mistake is not None
                if result.mistake is not None:
                    run.failed(where, "slips only", grid, result)
        if zeros(h, w) != answer:  # (an all-zero right answer is right, not a note)
            run.never["all zero"][0] += 1
            zero = _grade(problem, zeros(h, w))
            run.never["all zero"][1] += zero.mistake is not None or zero.note != ALL_ZERO_NOTE
        run.never["empty"][0] += 1
        run.never["empty"][1] += _grade(problem, [[None] * w for _ in range(h)]).mistake is not None


def report(fig: Figures) -> str:
    """The figures as a text table."""
    lines = [
        f"{fig.variants} homework variants, {fig.seconds:.0f} s",
        "",
        f"{'procedure':34} {'cases':>5} {'detect':>6} {'named':>5} {'misnamed':>8} {'slip':>5} {'slip ok':>7} "
        f"{'ambig':>5}",
    ]
    for name, t in sorted(fig.tallies.items(), key=lambda kv: kv[0]):
        mis = sum(t.misnamed.values()) + sum(t.slip_misnamed.values())
        lines.append(
            f"{name:34} {t.cases:5} {t.detectable:6} {t.named_right:5} {mis:8} {t.slip_cases:5} {t.slip_right:7} "
            f"{t.slip_ambiguous:5}"
        )
        for other, n in (t.misnamed + t.slip_misnamed).items():
            lines.append(f"    misnamed as {other}: {n}")
    det, ok = fig.detectable(), fig.named_right()
    lines += [
        "",
        f"exact: named correctly {ok} of {det} detectable ({100 * ok / max(det, 1):.2f} %), misnamed {fig.misnamed()}",
        f"one slip: named with the slip listed {fig.slip_right()} of {fig.slip_cases()} "
        f"({100 * fig.slip_right() / max(fig.slip_cases(), 1):.2f} %)",
    ]
    for kind, (n, named) in sorted(fig.never.items()):
        extra = " (or without the plain note)" if kind == "all zero" else ""
        lines.append(f"{kind}: {n} answers, named{extra} {named}")
    if fig.failures:
        lines += ["", "first cases not named as expected:"] + ["  " + f for f in fig.failures]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--students", type=int, default=300)
    args = parser.parse_args()
    print(report(measure(args.students)))


if __name__ == "__main__":
    main()
