"""The problem-type interface: the records every type hands the rest of the program, and `ProblemType`.

A problem type is one module in this package holding one `ProblemType` subclass: its spec fields and
cross-field checks, the constraints it supports, draw, solve, the answer layout, the statement, the
givens a worksheet shows (as data), its explanation views, marking, its modelled mistakes and its
wording. Parameters travel as a frozen record per type, written to and read from key.json by the type's
`params_to_json` / `params_from_json`. Answers are always `Blocks`: (C, H, W) nested tuples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Generic, TypeVar

from exercisegen.explanations import Explanation
from exercisegen.fields import Field
from exercisegen.notation import Number

if TYPE_CHECKING:
    import numpy as np

    from exercisegen.spec_model import ProblemSpec

Pair = tuple[int, int]
Row = tuple[Number, ...]
Matrix = tuple[Row, ...]  # (H, W)
Blocks = tuple[Matrix, ...]  # (C, H, W): one block per channel
Marks = tuple[tuple[tuple[bool, ...], ...], ...]  # per block, row, cell: right or not
Submitted = tuple[tuple[tuple[Any, ...], ...], ...]  # blocks of numbers (None for blank or unreadable)

# numbers closer than this count as equal even when a problem's tolerance is 0 (float round-off)
FLOAT_ATOL = 1e-9


# --- plain conversions -------------------------------------------------------------------------


def as_pair(value: Any) -> Pair:
    """int or [h, w] (as drawn or as read from key.json) -> (h, w)."""
    if isinstance(value, int):
        return (value, value)
    return (int(value[0]), int(value[1]))


def pair_json(value: Pair) -> int | list[int]:
    """(h, w) -> h when both directions agree, else [h, w] (how key.json writes pairs)."""
    return value[0] if value[0] == value[1] else [value[0], value[1]]


def matrix_of(nested: Any) -> Matrix:
    """A 2-D nested list -> Matrix."""
    return tuple(tuple(row) for row in nested)


def blocks_of(nested: Any) -> Blocks:
    """A 2-D (one channel) or 3-D nested list -> Blocks."""
    if nested and nested[0] and isinstance(nested[0][0], (list, tuple)):
        return tuple(matrix_of(block) for block in nested)
    return (matrix_of(nested),)


def nested(blocks: Blocks, single: bool) -> list[Any]:
    """Blocks -> nested lists: the 2-D view when `single` (the single-channel shorthand), else 3-D."""
    lists = [[list(row) for row in block] for block in blocks]
    return lists[0] if single else lists


def blocks_from_array(array: "np.ndarray") -> Blocks | None:
    """A (C, H, W) array -> Blocks of plain Python numbers; None when it is empty."""
    if min(array.shape) < 1:
        return None
    return tuple(matrix_of(block) for block in array.tolist())


def shape_of(blocks: Blocks) -> tuple[Pair, ...]:
    """(rows, cols) of every block."""
    return tuple((len(block), len(block[0]) if block else 0) for block in blocks)


# --- comparing numbers and answers -------------------------------------------------------------


def close(value: Any, expected: Any, atol: float, rtol: float) -> bool:
    """Exact for integers, |a−b| <= atol + rtol·|b| (b: the key's value) otherwise; non-numbers never close."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if isinstance(expected, int) and isinstance(value, int) and atol == 0 and rtol == 0:
        return value == expected
    return abs(value - expected) <= atol + rtol * abs(expected)


def same_answer(a: Blocks, b: Blocks, *, atol: float = 0.0, rtol: float = 0.0) -> bool:
    """Same shape and every pair of cells equal (within tolerance; float round-off never differs)."""
    if shape_of(a) != shape_of(b) or any(len(r1) != len(r2) for x, y in zip(a, b) for r1, r2 in zip(x, y)):
        return False
    tol = max(atol, FLOAT_ATOL)
    return all(close(u, v, tol, rtol) for x, y in zip(a, b) for r1, r2 in zip(x, y) for u, v in zip(r1, r2))


def mark_cells(answer: Blocks, submitted: Submitted, atol: float, rtol: float) -> Marks:
    """Per-cell correctness of a submission already known to have the answer's block shapes."""
    return tuple(
        tuple(tuple(close(v, e, atol, rtol) for v, e in zip(srow, erow)) for srow, erow in zip(sblock, eblock))
        for sblock, eblock in zip(submitted, answer)
    )


# --- records a type hands the rest of the program ----------------------------------------------


@dataclass(frozen=True)
class AnswerLayout:
    """What a student fills in for one problem: blocks (channels) of rows × cols cells."""

    blocks: tuple[Pair, ...]  # (rows, cols) of each block; one block per output channel
    labels: tuple[str, ...] = ()  # for one-row answers: a label per cell ("H_out", "W_out")
    block_titles: tuple[str, ...] = ()  # e.g. ("output channel 0", "output channel 1"); empty if one block
    hint: str = ""  # one line for the answer sheet, e.g. "order: stride padding output_padding"
    # Names printed beside a one-block grid's boxes (conv_matrix: "y01" per row, "x12" per column)
    row_labels: tuple[str, ...] = ()
    column_labels: tuple[str, ...] = ()
    # When the output size is part of the question the worksheet must not give it away: it draws
    # `canvas` (rows, cols) boxes per block instead, and trailing empty rows/columns are ignored.
    reveal_shape: bool = True
    canvas: Pair = (0, 0)
    # A choice answer: the student picks options by their letters (`labels`, "A", "B", ...):
    # "one" (exactly one) or "any" (all that apply). The answer is still one row of numbers inside,
    # 1 for a picked option and 0 for one left out.
    choose: str = ""


@dataclass(frozen=True)
class GivenGrid:
    """A labelled grid of numbers printed with a problem (input, a kernel slice, a vector)."""

    values: Matrix
    caption: str


@dataclass(frozen=True)
class Givens:
    """What a worksheet shows beside a problem's statement: grids and the parameters that matter."""

    grids: tuple[GivenGrid, ...] = ()
    parameters: tuple[tuple[str, str], ...] = ()  # (PyTorch name, value text)
    code: str = ""  # a code snippet typeset in monospace, lines as written
    table: tuple[tuple[str, ...], ...] = ()  # a table of text: the header row, then one row per item
    table_caption: str = ""
    choices: tuple[tuple[str, str], ...] = ()  # (letter, option text) of a choice answer, in display order


@dataclass(frozen=True)
class BoxByBoxForm:
    """How a problem is asked where every box is graded on its own (an LMS quiz): one right value per box."""

    statement: str
    layout: AnswerLayout
    answer: Blocks


P = TypeVar("P")


@dataclass(frozen=True)
class Mistake(Generic[P]):
    """A named wrong rule: what the student did, what is right instead, and the rule recomputing it.

    `rule(params)` returns the answer a student who made the mistake writes (its shape may differ
    from the right answer's), or None when the mistake cannot be made with these parameters.
    Problems with many right answers (design) may give `accepts(params, submitted)` instead: whether
    a submitted answer is one the mistake produces; `rule` then returns one example of such an answer.
    """

    name: str
    summary: str  # what the student did: "You kept the padded border"
    advice: str  # what is right instead, ending with a full stop
    rule: Callable[[P], Blocks | None]
    accepts: Callable[[P, Submitted], bool] | None = None

    @property
    def sentence(self) -> str:
        """Summary and advice as the one sentence shown in feedback."""
        return f"{self.summary}: {self.advice}"


class ProblemType(Generic[P]):
    """One problem type. Subclasses set the class attributes and implement the methods below."""

    name: ClassVar[str]  # the `type:` word in a spec
    fields: ClassVar[dict[str, Field]]  # the spec fields it accepts, in key.json order
    views: ClassVar[tuple[str, ...]]  # what `show_steps` may name
    default_views: ClassVar[tuple[str, ...]]
    constraints: ClassVar[frozenset[str]]  # the constraint names it honours; others are spec errors
    mistakes: ClassVar[tuple[Mistake[Any], ...]] = ()  # modelled mistakes, in diagnosis order
    answer_title: ClassVar[str] = "Answer"  # above the key's answer in a solution
    key_caption: ClassVar[str] = "Correct answer"  # above the key's answer in feedback

    # -- spec ---------------------------------------------------------------------------------

    def check_fields(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        """Cross-field rules on validated fields: (field name, message) for each broken one."""
        return []

    # -- drawing and solving ------------------------------------------------------------------

    def draw(self, spec: "ProblemSpec", rng: "np.random.Generator") -> P | None:
        """Draw parameters; None when the draw breaks a rule or a constraint (the caller redraws)."""
        raise NotImplementedError

    def solve(self, params: P) -> Blocks:
        """The answer."""
        raise NotImplementedError

    def single(self, params: P) -> bool:
        """Whether key.json and answer files write the answer as one 2-D grid (else per channel)."""
        return True

    def params_to_json(self, params: P) -> dict[str, Any]:
        """The record as key.json's `params` (plain JSON types, PyTorch names)."""
        raise NotImplementedError

    def params_from_json(self, doc: dict[str, Any]) -> P:
        """The record back from key.json's `params` (KeyError / TypeError / ValueError if malformed)."""
        raise NotImplementedError

    # -- what the student sees ----------------------------------------------------------------

    def statement(self, params: P) -> str:
        """The task in words."""
        raise NotImplementedError

    def layout(self, params: P) -> AnswerLayout:
        """What the student fills in."""
        raise NotImplementedError

    def givens(self, params: P) -> Givens:
        """The grids and parameter rows shown beside the statement."""
        return Givens()

    def describe_answer(self, params: P) -> str:
        """What the answer is, for the answer sheet's comment ("output of the convolution"); may be ""."""
        return ""

    def explain(self, params: P, views: tuple[str, ...]) -> tuple[Explanation, ...]:
        """The explanation views for the solution."""
        return ()

    # -- grading ------------------------------------------------------------------------------

    def mark(self, params: P, answer: Blocks, submitted: Submitted, atol: float, rtol: float) -> Marks:
        """Per-cell correctness of a submission with the answer's shape (cell by cell by default)."""
        return mark_cells(answer, submitted, atol, rtol)

    def box_by_box(self, params: P) -> BoxByBoxForm | None:
        """The problem restated so each box has one right value (None: it already has, ask it as it is)."""
        return None

    def credit(self, params: P, answer: Blocks, submitted: Submitted, marks: Marks) -> float | None:
        """The fraction of the points (0 to 1) an answer of the right shape earns; None: its share of right cells."""
        return None

    def comment(self, params: P, submitted: Submitted) -> str | None:
        """One sentence about a wrong answer that no modelled mistake names, or None."""
        return None

    def valid_note(self) -> str:
        """Said after "Correct answer" in feedback text, e.g. " (any valid choice counts)"."""
        return ""

    # -- mistakes -----------------------------------------------------------------------------

    def predictions(self, params: P) -> list[tuple[Mistake[Any], Blocks]]:
        """Every mistake that can be made here with the answer it gives (right answers included)."""
        found = []
        for rule in self.mistakes:
            predicted = rule.rule(params)
            if predicted is not None:
                found.append((rule, predicted))
        return found

    def confusable(self, params: P, answer: Blocks) -> bool:
        """True when a mistake that can be made here gives the right answer, or two give the same one."""
        predicted = [p for _, p in self.predictions(params)]
        for index, one in enumerate(predicted):
            if same_answer(one, answer):
                return True
            if any(same_answer(one, other) for other in predicted[index + 1 :]):
                return True
        return False

    def mistake(self, name: str) -> Mistake[Any]:
        """The rule called `name` (KeyError if this type has none)."""
        for rule in self.mistakes:
            if rule.name == name:
                return rule
        raise KeyError(name)

