"""Step views of the gradient and overlap problems, as data: the chain rule for one entry of a
convolution's gradient, and the overlap map of kernel stamps.

Built with plain loops straight from the definitions (Y[i][j] = Σ W[a][b]·X_pad[i·s + a·d][j·s + b·d]),
so they double as independent references for the vectorised answers. Nothing here formats text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from exercisegen.notation import Number

Pair = tuple[int, int]
Matrix = tuple[tuple[Number, ...], ...]


@dataclass(frozen=True)
class ChainTerm:
    """One output cell Y[i][j] that depends on the entry: dY[i][j] times ∂Y[i][j]/∂entry."""

    out_row: int
    out_col: int
    upstream: Number  # dY[i][j]
    local: Number  # ∂Y[i][j]/∂entry: a kernel weight (for dX) or an input value (for dW)
    local_row: int  # which weight W[a][b] (for dX) or input cell X[r][c] (for dW)
    local_col: int


@dataclass(frozen=True)
class ChainRuleView:
    """∂L/∂entry = Σ dY[i][j]·∂Y[i][j]/∂entry over the output cells whose window uses the entry."""

    wrt: str  # "input" (entry X[row][col]) | "weight" (entry W[row][col])
    row: int
    col: int
    terms: tuple[ChainTerm, ...]
    value: Number
    padding_terms: int  # windows where the weight sits on padding (they add 0); dW only
    uncovered: tuple[Pair, ...]  # input cells no window covers (their gradient is 0); dX only


@dataclass(frozen=True)
class OverlapView:
    """How many kernel stamps land on each output cell, and whether the interior is even."""

    counts: Matrix
    period: Pair  # the pattern repeats every stride cells
    interior: tuple[tuple[int, ...], ...]  # one period of the interior pattern, (stride_h, stride_w)
    even: bool


def _positions(
    size: int, kernel: int, stride: int, padding: int, dilation: int, out: int
) -> list[list[tuple[int, int]]]:
    """For every input position r: the (output index i, kernel index a) with i·s + a·d − p = r."""
    found: list[list[tuple[int, int]]] = [[] for _ in range(size)]
    for i in range(out):
        for a in range(kernel):
            r = i * stride + a * dilation - padding
            if 0 <= r < size:
                found[r].append((i, a))
    return found


def gradient_terms(
    wrt: str,
    x: Matrix | None,
    w: Matrix | None,
    dy: Matrix,
    input_size: Pair,
    kernel_size: Pair,
    stride: Pair,
    padding: Pair,
    dilation: Pair,
    row: int,
    col: int,
) -> ChainRuleView:
    """The chain rule for entry (row, col) of dX (`wrt` "input", needs w) or dW ("weight", needs x)."""
    out = (len(dy), len(dy[0]))
    (s_h, s_w), (p_h, p_w), (d_h, d_w) = stride, padding, dilation
    terms: list[ChainTerm] = []
    padding_terms = 0
    if wrt == "input":
        assert w is not None, "dX needs the kernel"
        rows = _positions(input_size[0], kernel_size[0], s_h, p_h, d_h, out[0])
        cols = _positions(input_size[1], kernel_size[1], s_w, p_w, d_w, out[1])
        for i, a in rows[row]:
            for j, b in cols[col]:
                terms.append(ChainTerm(i, j, dy[i][j], w[a][b], a, b))
        uncovered = tuple(
            (r, c) for r in range(input_size[0]) for c in range(input_size[1]) if not rows[r] or not cols[c]
        )
    else:
        assert x is not None, "dW needs the input"
        uncovered = ()
        for i in range(out[0]):
            for j in range(out[1]):
                r, c = i * s_h + row * d_h - p_h, j * s_w + col * d_w - p_w
                if 0 <= r < input_size[0] and 0 <= c < input_size[1]:
                    terms.append(ChainTerm(i, j, dy[i][j], x[r][c], r, c))
                else:
                    padding_terms += 1
    value: Number = 0.0 if any(isinstance(t.upstream * t.local, float) for t in terms) else 0
    for t in terms:
        value += t.upstream * t.local
    return ChainRuleView(wrt, row, col, tuple(terms), value, padding_terms, uncovered)


def busiest_entry(counts: Sequence[Sequence[int]]) -> Pair:
    """The (row, col) with the most terms (the first of them), for the worked example."""
    best, where = -1, (0, 0)
    for r, row in enumerate(counts):
        for c, n in enumerate(row):
            if n > best:
                best, where = n, (r, c)
    return where


def stamp_counts(
    input_size: Pair, kernel_size: Pair, stride: Pair, padding: Pair, dilation: Pair, output_padding: Pair
) -> list[list[int]]:
    """How many kernel stamps of a transposed convolution land on each output cell, stamp by stamp."""
    full_h = (input_size[0] - 1) * stride[0] + dilation[0] * (kernel_size[0] - 1) + 1
    full_w = (input_size[1] - 1) * stride[1] + dilation[1] * (kernel_size[1] - 1) + 1
    full = [[0] * (full_w + output_padding[1]) for _ in range(full_h + output_padding[0])]
    for i in range(input_size[0]):
        for j in range(input_size[1]):
            for a in range(kernel_size[0]):
                for b in range(kernel_size[1]):
                    full[i * stride[0] + a * dilation[0]][j * stride[1] + b * dilation[1]] += 1
    rows = range(padding[0], full_h - padding[0] + output_padding[0])
    cols = range(padding[1], full_w - padding[1] + output_padding[1])
    return [[full[r][c] for c in cols] for r in rows]


def interior_pattern(kernel: int, stride: int, dilation: int) -> tuple[int, ...]:
    """Stamps per output position far from the border, for positions 0..stride−1 (mod stride)."""
    return tuple(sum(1 for a in range(kernel) if (a * dilation - x) % stride == 0) for x in range(stride))


def overlap_view(counts: Sequence[Sequence[Number]], kernel_size: Pair, stride: Pair, dilation: Pair) -> OverlapView:
    """The map and its interior pattern: even when every interior cell gets the same number of stamps."""
    rows = interior_pattern(kernel_size[0], stride[0], dilation[0])
    cols = interior_pattern(kernel_size[1], stride[1], dilation[1])
    interior = tuple(tuple(r * c for c in cols) for r in rows)
    even = len({v for line in interior for v in line}) == 1
    return OverlapView(tuple(tuple(row) for row in counts), stride, interior, even)
