"""Helpers shared by the problem types: drawing values and matrices, constraints, cell marking."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from exercisegen.problems import AnswerLayout

if TYPE_CHECKING:
    import numpy as np

    from exercisegen.spec import Draw, MatrixSpec


def draw_value(draw: "Draw", rng: "np.random.Generator") -> Any:
    """One value of a fixed / choice / range draw, as a JSON type (pairs become [h, w] lists)."""
    if draw.kind == "fixed":
        value = draw.values[0]
    elif draw.kind == "choice":
        value = draw.values[int(rng.integers(len(draw.values)))]
    else:
        lo, hi = draw.values
        value = int(rng.integers(lo, hi + 1))
    return _plain(value)


def _plain(value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


def draw_matrix(
    spec: "MatrixSpec",
    rng: "np.random.Generator",
    lead: Sequence[int] = (),
    shape: tuple[int, int] | None = None,
) -> list[Any]:
    """A nested list drawn from a matrix spec; `lead` adds channel dimensions in front; `shape`
    is used when the spec leaves the shape to the problem type."""
    if spec.fill == "literal":
        return _plain(spec.literal)
    if shape is None:
        assert spec.shape is not None, "validated: shape is given unless derived"
        if isinstance(spec.shape, tuple):  # H and W drawn independently
            shape = (int(draw_value(spec.shape[0], rng)), int(draw_value(spec.shape[1], rng)))
        else:  # the whole shape drawn at once (an int is a square)
            shape = as_pair(draw_value(spec.shape, rng))
    full = tuple(lead) + tuple(shape)
    if spec.fill == "ones":
        values = rng.integers(1, 2, size=full)
    elif spec.fill == "int":
        lo, hi = spec.values
        values = rng.integers(lo, hi + 1, size=full)
    else:
        options = list(spec.values)
        values = rng.integers(len(options), size=full)
        return _pick(values.tolist(), options)
    return values.tolist()


def _pick(indices: Any, options: list[Any]) -> Any:
    if isinstance(indices, list):
        return [_pick(i, options) for i in indices]
    return options[indices]


def as_pair(value: Any) -> tuple[int, int]:
    """int or [h, w] -> (h, w)."""
    if isinstance(value, int):
        return (value, value)
    return (int(value[0]), int(value[1]))


def kernel_2d_slices(kernel: list[Any]) -> list[list[list[Any]]]:
    """Every 2-D slice of a 2-D or 4-D kernel."""
    if kernel and kernel[0] and not isinstance(kernel[0][0], list):
        return [kernel]
    return [k2 for outer in kernel for k2 in outer]


def kernel_ok(kernel: list[Any], nonzero: bool, asymmetric: bool) -> bool:
    """Constraint checks on every 2-D slice of a kernel."""
    for k in kernel_2d_slices(kernel):
        flat = [v for row in k for v in row]
        if nonzero and all(v == 0 for v in flat):
            return False
        if asymmetric and _symmetric(k):
            return False
    return True


def _symmetric(k: list[list[Any]]) -> bool:
    """All-equal, 180°-rotation-invariant, or (for square kernels) transpose-invariant."""
    flat = [v for row in k for v in row]
    if len(set(flat)) <= 1:
        return True
    rotated = [list(reversed(row)) for row in reversed(k)]
    if rotated == k:
        return True
    if len(k) == len(k[0]) and [list(col) for col in zip(*k)] == k:
        return True
    return False


def overlap_ok(kernel_size: tuple[int, int], stride: tuple[int, int], dilation: tuple[int, int]) -> bool:
    """Kernel footprint larger than the stride in both directions (neighbouring copies overlap)."""
    return all(dilation[a] * (kernel_size[a] - 1) + 1 > stride[a] for a in (0, 1))


def grid_blocks(answer: list[Any]) -> list[list[list[Any]]]:
    """An answer grid as a list of 2-D blocks (one per channel)."""
    if answer and answer[0] and isinstance(answer[0][0], list):
        return answer
    return [answer]


def layout_of_grid(answer: list[Any], hint: str = "") -> AnswerLayout:
    """Answer layout for an output grid (one block per output channel)."""
    blocks = grid_blocks(answer)
    titles = tuple(f"output channel {c}" for c in range(len(blocks))) if len(blocks) > 1 else ()
    return AnswerLayout(
        blocks=tuple((len(b), len(b[0])) for b in blocks), block_titles=titles, hint=hint
    )


def close(value: Any, expected: Any, atol: float, rtol: float) -> bool:
    """Exact for integers, |a−b| <= atol + rtol·|b| otherwise; non-numbers are never close."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if isinstance(expected, int) and isinstance(value, int) and atol == 0 and rtol == 0:
        return value == expected
    return abs(value - expected) <= atol + rtol * abs(expected)


def mark_cells(
    answer: list[Any], submitted: Sequence[Sequence[Sequence[Any]]], atol: float, rtol: float
) -> tuple[tuple[tuple[bool, ...], ...], ...]:
    """Per-cell correctness of a submission already known to have the answer's block shapes."""
    return tuple(
        tuple(
            tuple(close(v, e, atol, rtol) for v, e in zip(srow, erow))
            for srow, erow in zip(sblock, eblock)
        )
        for sblock, eblock in zip(submitted, grid_blocks(answer))
    )


def fmt_size(value: Any) -> str:
    """[3, 2] -> `3×2`; 3 -> `3×3`."""
    h, w = as_pair(value)
    return f"{h}\u00d7{w}"
