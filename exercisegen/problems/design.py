"""Problem type `design`: choose stride, padding, output_padding (and optionally the kernel size)
so that a transposed convolution maps a given input size to a given output size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from exercisegen.explanations import Explanation, size_formula_steps
from exercisegen.fields import MAX_SIZE, MAX_STEP, Field, output_padding_field, padding_field, stride_field
from exercisegen.problems.base import AnswerLayout, Blocks, BoxByBoxForm, Marks, Mistake, ProblemType, Submitted
from exercisegen.problems.drawing import draw_value, one_row

if TYPE_CHECKING:
    import numpy as np

    from exercisegen.spec_model import ProblemSpec


@dataclass(frozen=True)
class DesignParams:
    """The published sizes and the hidden, drawn choice that reaches them (square sizes, ints)."""

    input_size: int
    output_size: int
    kernel_size: int
    dilation: int
    choose_kernel: bool
    stride: int
    padding: int
    output_padding: int

    @property
    def labels(self) -> tuple[str, ...]:
        """The answer boxes, in order."""
        base = ("stride", "padding", "output_padding")
        return ("kernel_size", *base) if self.choose_kernel else base


def _output_size(i: int, k: int, s: int, p: int, op: int, d: int) -> int:
    from exercisegen.solver import conv_transpose2d_output_size

    return conv_transpose2d_output_size(i, k, s, p, op, d)


def _whole_numbers(values: Any) -> bool:
    return all(not isinstance(v, bool) and isinstance(v, (int, float)) and v == int(v) for v in values)


class Design(ProblemType[DesignParams]):
    """Any choice that reaches the output size under PyTorch's rules is right."""

    name = "design"
    fields = {
        # The target output size is computed from a hidden, drawn (stride, padding, output_padding);
        # any choice that reaches it is accepted.
        "input_size": Field("int", required=True, minimum=1, maximum=MAX_SIZE, help="side of the square input"),
        "kernel_size": Field("int", required=True, minimum=1, maximum=MAX_SIZE, help="side of the square kernel"),
        "stride": stride_field("int"),
        "padding": padding_field("int"),
        "output_padding": output_padding_field("int"),
        "dilation": Field(
            "int", default=1, minimum=1, maximum=MAX_STEP, help="spacing between kernel elements (1 = adjacent)"
        ),
        "choose_kernel": Field("bool", default=False, help="the student also picks the kernel size"),
    }
    views = ("formula",)
    default_views = ("formula",)
    constraints = frozenset(("max_output_size", "min_output_size", "overlap"))
    answer_title = "Answer (one valid choice)"
    key_caption = "A correct answer"

    def draw(self, spec: "ProblemSpec", rng: "np.random.Generator") -> DesignParams | None:
        """Draw a hidden (stride, padding, output_padding) and publish the sizes it produces."""
        field = spec.field
        i = int(draw_value(field("input_size"), rng))
        k = int(draw_value(field("kernel_size"), rng))
        s = int(draw_value(field("stride"), rng))
        p = int(draw_value(field("padding"), rng))
        op = int(draw_value(field("output_padding"), rng))
        d = int(draw_value(field("dilation"), rng))
        if op >= max(s, d):
            return None
        o = _output_size(i, k, s, p, op, d)
        c = spec.constraints
        if o < 1 or (c.max_output_size is not None and o > c.max_output_size):
            return None
        if c.min_output_size is not None and o < c.min_output_size:
            return None
        if c.overlap and d * (k - 1) + 1 <= s:
            return None
        return DesignParams(i, o, k, d, bool(field("choose_kernel")), s, p, op)

    def solve(self, params: DesignParams) -> Blocks:
        """One valid choice: the drawn one."""
        choice = [params.stride, params.padding, params.output_padding]
        return one_row([params.kernel_size, *choice] if params.choose_kernel else choice)

    def params_to_json(self, params: DesignParams) -> dict[str, Any]:
        """The sizes, then the hidden choice."""
        return {
            "input_size": params.input_size,
            "output_size": params.output_size,
            "kernel_size": params.kernel_size,
            "dilation": params.dilation,
            "choose_kernel": params.choose_kernel,
            "stride": params.stride,
            "padding": params.padding,
            "output_padding": params.output_padding,
        }

    def params_from_json(self, doc: dict[str, Any]) -> DesignParams:
        """The record from key.json."""
        return DesignParams(
            input_size=int(doc["input_size"]),
            output_size=int(doc["output_size"]),
            kernel_size=int(doc["kernel_size"]),
            dilation=int(doc["dilation"]),
            choose_kernel=bool(doc["choose_kernel"]),
            stride=int(doc["stride"]),
            padding=int(doc["padding"]),
            output_padding=int(doc["output_padding"]),
        )

    def statement(self, params: DesignParams) -> str:
        """The task in words."""
        i, o, d = params.input_size, params.output_size, params.dilation
        dil = f" (dilation {d})" if d != 1 else ""
        if params.choose_kernel:
            what = (
                "Choose a kernel size k, a stride, a padding and an output_padding so that a transposed "
                f"convolution{dil}"
            )
        else:
            k = params.kernel_size
            what = (
                "Choose a stride, a padding and an output_padding so that a transposed convolution with a "
                f"{k}×{k} kernel{dil}"
            )
        return (
            f"{what} maps a {i}×{i} input to a {o}×{o} output. Any valid choice is accepted "
            "(stride ≥ 1, padding ≥ 0, output_padding smaller than the stride or the dilation)."
        )

    def layout(self, params: DesignParams) -> AnswerLayout:
        """Labeled boxes in a fixed order."""
        labels = params.labels
        return AnswerLayout(blocks=((1, len(labels)),), labels=labels, hint="order: " + " ".join(labels))

    def is_valid_choice(self, params: DesignParams, values: Any) -> bool:
        """Does (k,) s, p, op give the required output size under PyTorch's rules?"""
        if not _whole_numbers(values):
            return False
        ints = [int(v) for v in values]
        k, (s, p, op) = (ints[0], ints[1:]) if params.choose_kernel else (params.kernel_size, ints)
        d = params.dilation
        if k < 1 or s < 1 or p < 0 or op < 0 or op >= max(s, d):
            return False
        return _output_size(params.input_size, k, s, p, op, d) == params.output_size

    def mark(self, params: DesignParams, answer: Blocks, submitted: Submitted, atol: float, rtol: float) -> Marks:
        """All boxes right when the choice reaches the output size, else all wrong."""
        row = list(submitted[0][0])
        ok = self.is_valid_choice(params, row)
        return ((tuple(ok for _ in row),),)

    def box_by_box(self, params: DesignParams) -> BoxByBoxForm:
        """Stride and output_padding (and the kernel size) given, so that the padding is the one answer."""
        kernel = f"a {params.kernel_size}×{params.kernel_size} kernel, " if params.choose_kernel else ""
        statement = (
            f"{self.statement(params)} Here, use {kernel}stride {params.stride} and output_padding "
            f"{params.output_padding}: which padding reaches the output size?"
        )
        layout = AnswerLayout(blocks=((1, 1),), labels=("padding",), hint="order: padding")
        return BoxByBoxForm(statement, layout, one_row([params.padding]))

    def valid_note(self) -> str:
        """Feedback says that another choice would do too."""
        return " (any valid choice counts)"

    def comment(self, params: DesignParams, submitted: Submitted) -> str | None:
        """What a wrong choice does: breaks a rule, or gives which output size."""
        values = list(submitted[0][0]) if submitted and submitted[0] else []
        labels = params.labels
        if len(values) != len(labels):
            return None
        if not _whole_numbers(values):
            return "Every box needs a whole number."
        chosen = dict(zip(labels, (int(v) for v in values)))
        k = chosen.get("kernel_size", params.kernel_size)
        s, p, op, d = chosen["stride"], chosen["padding"], chosen["output_padding"], params.dilation
        if k < 1 or s < 1 or p < 0 or op < 0:
            return "The kernel size and stride must be at least 1, padding and output_padding at least 0."
        if op >= max(s, d):
            return f"output_padding ({op}) must be smaller than the stride ({s}) or the dilation ({d})."
        size = _output_size(params.input_size, k, s, p, op, d)
        o = params.output_size
        return (
            f"Your choice gives an output of {size}×{size}, not {o}×{o}: "
            f"({params.input_size}−1)·{s} − 2·{p} + {d}·({k}−1) + {op} + 1 = {size}."
        )

    def other_choices(self, params: DesignParams, limit: int = 3) -> list[tuple[int, ...]]:
        """The simplest other valid choices: smallest stride first, then smallest padding (then
        output_padding, then kernel size); a padding past the kernel's reach d·(k−1) only when no
        choice without one exists."""
        drawn = tuple(self.solve(params)[0][0])
        d, o = params.dilation, params.output_size
        kernels = range(1, 8) if params.choose_kernel else [params.kernel_size]
        found: list[tuple[bool, int, int, int, int, tuple[int, ...]]] = []
        for s in range(1, o + 2):
            for k in kernels:
                for op in range(0, max(s, d)):
                    for p in range(0, o + d * (k - 1) + 1):
                        choice = (k, s, p, op) if params.choose_kernel else (s, p, op)
                        if choice != drawn and self.is_valid_choice(params, list(choice)):
                            found.append((p > d * (k - 1), s, p, op, k, choice))
        found.sort(key=lambda f: f[:5])
        simple = [f[5] for f in found if not f[0]]
        return simple[:limit] if simple else [f[5] for f in found[:1]]

    def explain(self, params: DesignParams, views: tuple[str, ...]) -> tuple[Explanation, ...]:
        """The size equation with the drawn choice, and other valid choices."""
        if "formula" not in views:
            return ()
        p = params
        steps = size_formula_steps(
            "transposed",
            (p.input_size,),
            (p.kernel_size,),
            (p.stride,),
            (p.padding,),
            (p.dilation,),
            (p.output_padding,),
            (p.output_size,),
            directions=("size",),
        )
        labels = params.labels
        others = self.other_choices(params)
        text = "One valid choice: " + ", ".join(f"{n} {v}" for n, v in zip(labels, self.solve(params)[0][0])) + "."
        listed = "; ".join(", ".join(f"{n} {v}" for n, v in zip(labels, c)) for c in others)
        k, d = params.kernel_size, params.dilation
        if len(others) == 1 and not params.choose_kernel and others[0][1] > d * (k - 1):
            text += (
                f" Another valid choice: {listed} (every other choice crops more than the kernel's reach,"
                f" padding > d\u00b7(k\u22121) = {d * (k - 1)})."
            )
        elif others:
            text += f" Other valid choices, simplest first: {listed}."
        return (Explanation("formula", "Output size", steps), Explanation("text", "Valid choices", text))


# --- mistakes: a design problem has many right answers, so each mistake says which answers it makes ---


def _choice(params: DesignParams, submitted: Submitted) -> tuple[int, int, int, int] | None:
    """(k, s, p, op) written in the boxes, when they are whole numbers in range; else None."""
    values = list(submitted[0][0]) if len(submitted) == 1 and len(submitted[0]) == 1 else []
    if len(values) != len(params.labels) or not _whole_numbers(values):
        return None
    chosen = dict(zip(params.labels, (int(v) for v in values)))
    k = chosen.get("kernel_size", params.kernel_size)
    s, p, op = chosen["stride"], chosen["padding"], chosen["output_padding"]
    if k < 1 or s < 1 or p < 0 or op < 0:
        return None
    return k, s, p, op


def _conv_size(i: int, k: int, s: int, p: int, d: int) -> int:
    return (i + 2 * p - d * (k - 1) - 1) // s + 1


def _fits_conv_formula(params: DesignParams, submitted: Submitted) -> bool:
    """The choice reaches the output size under the convolution's formula, not the transposed one."""
    choice = _choice(params, submitted)
    if choice is None or Design().is_valid_choice(params, list(submitted[0][0])):
        return False
    k, s, p, _ = choice
    return _conv_size(params.input_size, k, s, p, params.dilation) == params.output_size


def _output_padding_too_large(params: DesignParams, submitted: Submitted) -> bool:
    """The choice reaches the output size under the transposed formula, but output_padding >= max(stride, dilation)."""
    choice = _choice(params, submitted)
    if choice is None:
        return False
    k, s, p, op = choice
    d = params.dilation
    return op >= max(s, d) and _output_size(params.input_size, k, s, p, op, d) == params.output_size


def _example(params: DesignParams, accepts: Any) -> Blocks | None:
    """The first answer (small stride, then padding, then output_padding) that `accepts` takes."""
    kernels = range(1, 8) if params.choose_kernel else [params.kernel_size]
    for s in range(1, 5):
        for k in kernels:
            for p in range(0, params.output_size + params.input_size + k):
                for op in range(0, 2 * s + 2 * params.dilation):
                    choice = [k, s, p, op] if params.choose_kernel else [s, p, op]
                    if accepts(params, one_row(choice)):
                        return one_row(choice)
    return None


def design_conv_formula(params: DesignParams) -> Blocks | None:
    """A choice that reaches the output size under conv2d's size formula."""
    return _example(params, _fits_conv_formula)


def design_output_padding_too_large(params: DesignParams) -> Blocks | None:
    """A choice that reaches the output size only with output_padding >= max(stride, dilation)."""
    return _example(params, _output_padding_too_large)


Design.mistakes = (
    Mistake(
        "design_output_padding_too_large",
        "Your output_padding is not smaller than the stride (or the dilation)",
        "PyTorch refuses that, so reach the size with a larger stride or a smaller padding and keep "
        "output_padding below the stride.",
        design_output_padding_too_large,
        _output_padding_too_large,
    ),
    Mistake(
        "design_conv_formula",
        "Your choice fits the convolution's output-size formula",
        "a transposed convolution's output has H_out = (i−1)·s − 2p + d·(k−1) + output_padding + 1 rows, "
        "so padding makes it smaller and the stride makes it larger.",
        design_conv_formula,
        _fits_conv_formula,
    ),
)
