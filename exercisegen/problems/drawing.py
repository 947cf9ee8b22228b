"""Drawing values and matrices from spec records, and the constraint checks several types share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from exercisegen.problems.base import Blocks, Matrix, Pair, as_pair, matrix_of, shape_of

if TYPE_CHECKING:
    import numpy as np

    from exercisegen.spec_model import Constraints, Draw, MatrixSpec


def draw_value(draw: "Draw", rng: "np.random.Generator") -> Any:
    """One value of a fixed / choice / range draw: an int, an (h, w) tuple or a word."""
    if draw.kind == "fixed":
        return draw.values[0]
    if draw.kind == "choice":
        return draw.values[int(rng.integers(len(draw.values)))]
    lo, hi = draw.values
    return int(rng.integers(lo, hi + 1))


def draw_pair(draw: "Draw", rng: "np.random.Generator") -> Pair:
    """A pair field's value, normalised: (h, w)."""
    return as_pair(draw_value(draw, rng))


def draw_matrix(
    spec: "MatrixSpec",
    rng: "np.random.Generator",
    lead: Sequence[int] = (),
    shape: Pair | None = None,
) -> Any:
    """A nested list drawn from a matrix spec; `lead` adds channel dimensions in front; `shape` is
    used when the spec leaves the shape to the problem type. Literals are returned as written."""
    if spec.fill == "literal":
        return _lists(spec.literal)
    if shape is None:
        assert spec.shape is not None, "validated: shape is given unless derived"
        if isinstance(spec.shape, tuple):  # H and W drawn independently
            shape = (int(draw_value(spec.shape[0], rng)), int(draw_value(spec.shape[1], rng)))
        else:  # the whole shape drawn at once (an int is a square)
            shape = as_pair(draw_value(spec.shape, rng))
    full = tuple(lead) + tuple(shape)
    if spec.fill == "ones":
        return rng.integers(1, 2, size=full).tolist()
    if spec.fill == "int":
        lo, hi = spec.values
        return rng.integers(lo, hi + 1, size=full).tolist()
    options = list(spec.values)
    return _pick(rng.integers(len(options), size=full).tolist(), options)


def _lists(value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        return [_lists(v) for v in value]
    return value


def _pick(indices: Any, options: list[Any]) -> Any:
    if isinstance(indices, list):
        return [_pick(i, options) for i in indices]
    return options[indices]


def depth(value: Any) -> int:
    """How deeply lists are nested (2 for a matrix)."""
    n = 0
    while isinstance(value, (list, tuple)):
        n += 1
        value = value[0] if value else 0
    return n


def matrix_ok(matrix: Matrix, nonzero: bool, asymmetric: bool) -> bool:
    """Constraint checks on one 2-D kernel slice."""
    flat = [v for row in matrix for v in row]
    if nonzero and all(v == 0 for v in flat):
        return False
    if asymmetric and _symmetric(matrix):
        return False
    return True


def _symmetric(k: Matrix) -> bool:
    """All-equal, 180°-rotation-invariant, or (for square kernels) transpose-invariant."""
    flat = [v for row in k for v in row]
    if len(set(flat)) <= 1:
        return True
    if tuple(tuple(reversed(row)) for row in reversed(k)) == k:
        return True
    return len(k) == len(k[0]) and tuple(tuple(col) for col in zip(*k)) == k


def overlap_ok(kernel_size: Pair, stride: Pair, dilation: Pair) -> bool:
    """Kernel footprint larger than the stride in both directions (neighbouring copies overlap)."""
    return all(dilation[a] * (kernel_size[a] - 1) + 1 > stride[a] for a in (0, 1))


def size_ok(constraints: "Constraints", size: Pair) -> bool:
    """max_output_size / min_output_size on an output of `size` (H, W)."""
    if constraints.max_output_size is not None and max(size) > constraints.max_output_size:
        return False
    return constraints.min_output_size is None or min(size) >= constraints.min_output_size


def answer_ok(constraints: "Constraints", answer: Blocks) -> bool:
    """min_nonzero_answer_fraction on an answer: at least that share of its cells is nonzero."""
    if constraints.min_nonzero_answer_fraction is None:
        return True
    cells = [v for block in answer for row in block for v in row]
    return sum(v != 0 for v in cells) >= constraints.min_nonzero_answer_fraction * len(cells)


def hidden_canvas(blocks: tuple[Pair, ...]) -> Pair:
    """A square box area that holds the answer without telling its size: 8×8, or the next multiple
    of 4 above the largest side plus one (so the last row and column are never all used)."""
    largest = max(max(rows, cols) for rows, cols in blocks)
    side = 8 if largest < 8 else 4 * (largest // 4 + 1)
    return (side, side)


def one_row(values: Sequence[int]) -> Blocks:
    """A one-row answer (a shape, a design choice) as Blocks."""
    return (matrix_of([values]),)


def block_shape(blocks: Blocks) -> Pair:
    """(H, W) of the first block."""
    return shape_of(blocks)[0]
