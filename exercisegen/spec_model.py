"""The validated spec as records: what `spec.py` returns and what the problem types draw from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CONSTRAINT_NAMES = (
    "max_output_size",
    "min_output_size",
    "overlap",
    "nonzero_kernel",
    "asymmetric_kernel",
    "distinct_from_mistakes",
    "nonzero_input",
    "min_nonzero_answer_fraction",
)


@dataclass(frozen=True)
class Draw:
    """A numeric or word parameter: "fixed" (v,), "choice" (options) or "range" (lo, hi) inclusive ints.

    Values are ints, (h, w) tuples of ints (pair fields; an int means both directions) or words.
    """

    kind: str
    values: tuple


@dataclass(frozen=True)
class MatrixSpec:
    """A matrix field: a literal, or a shape of two `Draw`s filled with ones, ints in [lo, hi] or choices.

    fill: "literal" (nested tuples, 2-D (H, W), 3-D (C, H, W) or 4-D weight) | "ones" | "int" | "choice".
    shape: (Draw, Draw) when H and W are drawn independently, one pair `Draw` when the whole shape is
    drawn at once (`{choice: [2, [3, 2]]}`, an int meaning square), None for literals and for
    shape-derived fields whose spec omits it.
    values: "int" -> (lo, hi); "choice" -> the options (numbers); "ones" / "literal" -> ().
    """

    fill: str
    literal: tuple | None
    shape: tuple[Draw, Draw] | Draw | None
    values: tuple


@dataclass(frozen=True)
class Constraints:
    """Conditions a drawn variant must meet; draws that break them are rejected and redrawn."""

    max_output_size: int | None = None  # reject draws whose output H or W exceeds this
    min_output_size: int | None = None  # reject draws whose output H or W is below this
    overlap: bool = False  # kernel larger than stride (in both directions)
    nonzero_kernel: bool = False
    asymmetric_kernel: bool = False  # reject symmetric kernels (180° rotation, transpose, all equal)
    distinct_from_mistakes: bool = False  # the right answer differs from every typical wrong one
    nonzero_input: bool = False  # no all-zero input channel (conv_matrix: no all-zero vector x)
    min_nonzero_answer_fraction: float | None = None  # share of the answer's cells that must be nonzero


@dataclass(frozen=True)
class ProblemSpec:
    """One validated problem: its settings and every field of its type (defaults filled in, `fields` order).

    `fields` values are `Draw` (int, pair and word fields), `MatrixSpec` or bool; `line` is where the
    problem's list item starts. `balance` names the fields whose combinations a class cycles through.
    """

    id: str
    type: str
    points: float
    instructions: str | None
    show_steps: tuple[str, ...]
    fields: tuple[tuple[str, Any], ...]
    constraints: Constraints
    atol: float
    rtol: float
    line: int
    balance: tuple[str, ...] = ()

    def field(self, name: str) -> Any:
        """The value of field `name` (KeyError if the type has no such field)."""
        for key, value in self.fields:
            if key == name:
                return value
        raise KeyError(name)


@dataclass(frozen=True)
class SetSpec:
    """A validated problem set; `sha256` is the hex digest of the spec file's bytes."""

    title: str
    course: str
    instructions: str
    seed: int
    paper: str
    problems: tuple[ProblemSpec, ...]
    filename: str
    sha256: str
