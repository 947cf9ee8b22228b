"""Problem type `design`: choose stride, padding, output_padding (and optionally the kernel size)
so that a transposed convolution maps a given input size to a given output size."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from exercisegen.notation import shape_formula, shape_formula_symbols
from exercisegen.problems import AnswerLayout, Explanation, ShapeStep
from exercisegen.problems._common import draw_value
from exercisegen.solver import conv_transpose2d_output_size

if TYPE_CHECKING:
    from exercisegen.spec import ProblemSpec

from exercisegen.fields import Field, output_padding_field, padding_field, stride_field

NAME = "design"
FIELDS: dict[str, Field] = {
    # The target output size is computed from a hidden, drawn (stride, padding, output_padding);
    # any choice that reaches it is accepted.
    "input_size": Field("int", required=True, minimum=1),
    "kernel_size": Field("int", required=True, minimum=1),
    "stride": stride_field(),
    "padding": padding_field(),
    "output_padding": output_padding_field(),
    "dilation": Field("int", default=1, minimum=1),
    "choose_kernel": Field("bool", default=False, help="the student also picks the kernel size"),
}
VIEWS = ("formula",)
DEFAULT_VIEWS = ("formula",)


def draw(spec: "ProblemSpec", rng: Any) -> dict[str, Any] | None:
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
    o = conv_transpose2d_output_size(i, k, s, p, op, d)
    limit = spec.constraints.max_output_size
    if o < 1 or (limit is not None and o > limit):
        return None
    if spec.constraints.min_output_size is not None and o < spec.constraints.min_output_size:
        return None
    if spec.constraints.overlap and d * (k - 1) + 1 <= s:
        return None
    return {
        "input_size": i,
        "output_size": o,
        "kernel_size": k,
        "dilation": d,
        "choose_kernel": bool(field("choose_kernel")),
        "stride": s,
        "padding": p,
        "output_padding": op,
    }


def solve(params: dict[str, Any]) -> list[Any]:
    """One valid choice: the drawn one."""
    choice = [params["stride"], params["padding"], params["output_padding"]]
    return [[params["kernel_size"], *choice]] if params["choose_kernel"] else [choice]


def statement(params: dict[str, Any]) -> str:
    """The task in words."""
    i, o, d = params["input_size"], params["output_size"], params["dilation"]
    dil = f" (dilation {d})" if d != 1 else ""
    if params["choose_kernel"]:
        what = (
            "Choose a kernel size k, a stride, a padding and an output_padding so that a transposed "
            f"convolution{dil}"
        )
    else:
        k = params["kernel_size"]
        what = (
            "Choose a stride, a padding and an output_padding so that a transposed convolution with a "
            f"{k}×{k} kernel{dil}"
        )
    return (
        f"{what} maps a {i}×{i} input to a {o}×{o} output. Any valid choice is accepted "
        "(stride ≥ 1, padding ≥ 0, output_padding smaller than the stride or the dilation)."
    )


def _labels(params: dict[str, Any]) -> tuple[str, ...]:
    base = ("stride", "padding", "output_padding")
    return ("kernel_size", *base) if params["choose_kernel"] else base


def answer_layout(params: dict[str, Any]) -> AnswerLayout:
    """Labeled boxes in a fixed order."""
    labels = _labels(params)
    return AnswerLayout(blocks=((1, len(labels)),), labels=labels, hint="order: " + " ".join(labels))


def is_valid_choice(params: dict[str, Any], values: list[Any]) -> bool:
    """Does (k,) s, p, op give the required output size under PyTorch's rules?"""
    if any(isinstance(v, bool) or not isinstance(v, (int, float)) or v != int(v) for v in values):
        return False
    ints = [int(v) for v in values]
    if params["choose_kernel"]:
        k, s, p, op = ints
    else:
        k = params["kernel_size"]
        s, p, op = ints
    d = params["dilation"]
    if k < 1 or s < 1 or p < 0 or op < 0 or op >= max(s, d):
        return False
    return conv_transpose2d_output_size(params["input_size"], k, s, p, op, d) == params["output_size"]


def mark(params: dict[str, Any], answer: list[Any], submitted: Any, atol: float, rtol: float) -> Any:
    """All boxes right when the choice reaches the output size, else all wrong."""
    row = list(submitted[0][0])
    ok = is_valid_choice(params, row)
    return ((tuple(ok for _ in row),),)


def comment(params: dict[str, Any], submitted: Any) -> str | None:
    """What a wrong choice does: breaks a rule, or gives which output size."""
    values = list(submitted[0][0]) if submitted and submitted[0] else []
    labels = _labels(params)
    if len(values) != len(labels):
        return None
    if any(isinstance(v, bool) or not isinstance(v, (int, float)) or v != int(v) for v in values):
        return "Every box needs a whole number."
    chosen = dict(zip(labels, (int(v) for v in values)))
    k = chosen.get("kernel_size", params["kernel_size"])
    s, p, op, d = chosen["stride"], chosen["padding"], chosen["output_padding"], params["dilation"]
    if k < 1 or s < 1 or p < 0 or op < 0:
        return "The kernel size and stride must be at least 1, padding and output_padding at least 0."
    if op >= max(s, d):
        return f"output_padding ({op}) must be smaller than the stride ({s}) or the dilation ({d})."
    size = conv_transpose2d_output_size(params["input_size"], k, s, p, op, d)
    o = params["output_size"]
    return (
        f"Your choice gives an output of {size}×{size}, not {o}×{o}: "
        f"({params['input_size']}−1)·{s} − 2·{p} + {d}·({k}−1) + {op} + 1 = {size}."
    )


def other_choices(params: dict[str, Any], limit: int = 5) -> list[tuple[int, ...]]:
    """A few other valid choices (small values first), to show that the answer is not unique."""
    found: list[tuple[int, ...]] = []
    kernels = range(1, 8) if params["choose_kernel"] else [params["kernel_size"]]
    for s in range(1, params["output_size"] + 2):
        for k in kernels:
            for op in range(0, max(s, params["dilation"])):
                for p in range(0, params["output_size"] + k):
                    choice = (k, s, p, op) if params["choose_kernel"] else (s, p, op)
                    if is_valid_choice(params, list(choice)) and list(choice) != solve(params)[0]:
                        found.append(choice)
                        if len(found) >= limit:
                            return found
    return found


def explain(params: dict[str, Any], views: tuple[str, ...]) -> tuple[Explanation, ...]:
    """The size equation with the drawn choice, and other valid choices."""
    if "formula" not in views:
        return ()
    i, d = params["input_size"], params["dilation"]
    k, s, p, op = params["kernel_size"], params["stride"], params["padding"], params["output_padding"]
    step = ShapeStep(
        direction="size",
        symbols=shape_formula_symbols("transposed"),
        filled=shape_formula("transposed", i, k, s, p, d, op, params["output_size"]),
        result=params["output_size"],
    )
    labels = _labels(params)
    others = other_choices(params)
    text = "One valid choice: " + ", ".join(f"{n} {v}" for n, v in zip(labels, solve(params)[0])) + "."
    if others:
        text += " Other valid choices include " + "; ".join(
            ", ".join(f"{n} {v}" for n, v in zip(labels, c)) for c in others
        ) + "."
    return (Explanation("formula", "Output size", (step,)), Explanation("text", "Valid choices", text))
