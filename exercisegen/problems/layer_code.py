"""Problem type `layer_code`: read one PyTorch layer written as code and give the output shape,
`weight.shape` and the number of parameters for an input of shape (N, C, H, W)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from exercisegen.errors import ParameterError
from exercisegen.explanations import Explanation, size_formula_steps
from exercisegen.fields import (
    MAX_FORMULA_SIZE,
    MAX_SIZE,
    Field,
    dilation_field,
    output_padding_field,
    padding_field,
    stride_field,
)
from exercisegen.problems.base import AnswerLayout, Blocks, Givens, Mistake, ProblemType, as_pair, pair_json
from exercisegen.problems.drawing import draw_pair, draw_value, one_row, overlap_ok, size_ok
from exercisegen.problems.torch_layers import (
    MAX_WIDE,
    Layer,
    Shape,
    conv_formula_size,
    fmt_shape,
    layer_call,
    layer_from_json,
    layer_to_json,
    output_of,
    parameter_count,
    weight_shape,
    wrap_call,
)

if TYPE_CHECKING:
    import numpy as np

    from exercisegen.spec_model import ProblemSpec

STYLES = ("keyword", "positional", "mixed")
PARTS = ("output_shape", "weight_shape", "parameters")
_LABELS = {
    "output_shape": ("N", "C", "H", "W"),
    "weight_shape": ("w[0]", "w[1]", "w[2]", "w[3]"),
    "parameters": ("params",),
}


@dataclass(frozen=True)
class LayerCodeParams:
    """The layer, the input shape, how the code is written and what is asked."""

    layer: Layer
    input_shape: Shape
    style: str  # one of STYLES
    ask: tuple[str, ...]  # the asked parts, in PARTS order

    @property
    def labels(self) -> tuple[str, ...]:
        """The answer boxes, in order."""
        return tuple(label for part in self.ask for label in _LABELS[part])


def _answer(layer: Layer, shape: Shape, ask: tuple[str, ...], out: Shape | None = None) -> Blocks:
    """The asked parts as one row (`out` replaces the true output shape, for wrong rules)."""
    values: list[int] = []
    if "output_shape" in ask:
        values += list(out if out is not None else output_of(layer, shape))
    if "weight_shape" in ask:
        values += list(weight_shape(layer))
    if "parameters" in ask:
        values.append(parameter_count(layer))
    return one_row(values)


class LayerCode(ProblemType[LayerCodeParams]):
    """Output shape, weight.shape and parameter count of an nn.ConvTranspose2d or nn.Conv2d."""

    name = "layer_code"
    fields = {
        "layer": Field(
            "word",
            default="ConvTranspose2d",
            options=("ConvTranspose2d", "Conv2d"),
            help="the PyTorch module written in the snippet",
        ),
        "in_channels": Field(
            "int", required=True, minimum=1, maximum=MAX_WIDE,
            help="the layer's in_channels (= C of the input)",
        ),
        "out_channels": Field("int", required=True, minimum=1, maximum=MAX_WIDE, help="the layer's out_channels"),
        "kernel_size": Field(
            "pair", required=True, minimum=1, maximum=MAX_SIZE,
            help="kernel height and width (an int for a square)",
        ),
        "stride": stride_field(),
        "padding": padding_field(),
        "output_padding": output_padding_field(),
        "dilation": dilation_field(),
        "groups": Field(
            "int", default=1, minimum=1, maximum=MAX_WIDE,
            help="groups; must divide in_channels and out_channels",
        ),
        "bias": Field("bool", default=True, help="whether the layer has a bias (`bias=False` is written out)"),
        "batch": Field("int", default=1, minimum=1, maximum=MAX_WIDE, help="N of the input shape (N, C, H, W)"),
        "input_size": Field(
            "pair", required=True, minimum=1, maximum=MAX_FORMULA_SIZE,
            help="H and W of the input (an int for a square)",
        ),
        "style": Field(
            "word",
            default="mixed",
            options=STYLES,
            help="how the call is written: keyword (every argument named), positional (PyTorch's order, "
            "up to the last non-default) or mixed (channels and kernel positional, the rest named)",
        ),
        "ask_output_shape": Field("bool", default=True, help="ask the output shape (N, C, H, W)"),
        "ask_weight_shape": Field("bool", default=True, help="ask weight.shape (4 numbers)"),
        "ask_parameters": Field(
            "bool", default=True, help="ask the number of parameters (weight entries plus biases, if any)"
        ),
    }
    views = ("formula", "weight", "parameters")
    default_views = ("formula", "weight", "parameters")
    constraints = frozenset(("max_output_size", "min_output_size", "overlap", "distinct_from_mistakes"))

    def check_fields(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        """Something is asked; output_padding only for ConvTranspose2d; groups divide fixed channels."""
        problems = []
        if not any(fields[f"ask_{part}"] for part in PARTS):
            problems.append(("ask_output_shape", "nothing is asked; set at least one ask_* field to true"))
        op = fields["output_padding"]
        smallest = op.values[:1] if op.kind == "range" else op.values
        if set(fields["layer"].values) == {"Conv2d"} and min(sum(as_pair(v)) for v in smallest) > 0:
            problems.append(("output_padding", "only exists for layer: ConvTranspose2d; remove it or set it to 0"))
        groups = fields["groups"]
        if groups.kind == "fixed":
            for name in ("in_channels", "out_channels"):
                draw = fields[name]
                values = range(draw.values[0], draw.values[1] + 1) if draw.kind == "range" else draw.values
                if not any(v % groups.values[0] == 0 for v in values):
                    problems.append((name, f"no value is divisible by groups ({groups.values[0]})"))
        return problems

    def draw(self, spec: "ProblemSpec", rng: "np.random.Generator") -> LayerCodeParams | None:
        """Draw the layer and input; None when groups do not divide the channels or a constraint fails."""
        field = spec.field
        kind = draw_value(field("layer"), rng)
        c_in, c_out = int(draw_value(field("in_channels"), rng)), int(draw_value(field("out_channels"), rng))
        kernel, stride, padding = (draw_pair(field(n), rng) for n in ("kernel_size", "stride", "padding"))
        output_padding = draw_pair(field("output_padding"), rng)
        dilation = draw_pair(field("dilation"), rng)
        groups = int(draw_value(field("groups"), rng))
        batch, size = int(draw_value(field("batch"), rng)), draw_pair(field("input_size"), rng)
        style = draw_value(field("style"), rng)
        if kind == "Conv2d":
            output_padding = (0, 0)
        if c_in % groups or c_out % groups:
            return None
        layer = Layer(kind, c_in, c_out, kernel, stride, padding, output_padding, dilation, groups, field("bias"))
        ask = tuple(part for part in PARTS if field(f"ask_{part}"))
        params = LayerCodeParams(layer, (batch, c_in, size[0], size[1]), style, ask)
        try:
            out = output_of(layer, params.input_shape)
        except ParameterError:
            return None
        c = spec.constraints
        if not size_ok(c, out[2:]) or (c.overlap and not overlap_ok(kernel, stride, dilation)):
            return None
        if c.distinct_from_mistakes and self.confusable(params, self.solve(params)):
            return None
        return params

    def solve(self, params: LayerCodeParams) -> Blocks:
        """The asked numbers in one row: output shape, weight.shape, parameter count."""
        return _answer(params.layer, params.input_shape, params.ask)

    def params_to_json(self, params: LayerCodeParams) -> dict[str, Any]:
        """The layer and the input (the spec's names: in_channels is the input's C), style, asked parts."""
        n, _, h, w = params.input_shape
        return {
            **layer_to_json(params.layer),
            "batch": n,
            "input_size": pair_json((h, w)),
            "style": params.style,
            "ask": list(params.ask),
        }

    def params_from_json(self, doc: dict[str, Any]) -> LayerCodeParams:
        """The record from key.json."""
        layer = layer_from_json(doc)
        h, w = as_pair(doc["input_size"])
        ask = tuple(str(part) for part in doc["ask"])
        if doc["style"] not in STYLES or not ask or not set(ask) <= set(PARTS):
            raise ValueError("malformed layer_code params")
        shape = (int(doc["batch"]), layer.in_channels, h, w)
        return LayerCodeParams(layer, shape, str(doc["style"]), ask)

    # -- what the student sees ------------------------------------------------------------------------

    def code(self, params: LayerCodeParams) -> str:
        """The snippet: the layer, an input of the given shape, and the call."""
        call = layer_call(params.layer, params.style)
        lines = wrap_call(f"layer = {call}")
        lines.append(f"x = torch.randn{fmt_shape(params.input_shape)}")
        lines.append("y = layer(x)")
        return "\n".join(lines)

    def statement(self, params: LayerCodeParams) -> str:
        """The task in words."""
        asked = {
            "output_shape": "the shape of y (N, C, H, W)",
            "weight_shape": "layer.weight.shape",
            "parameters": "the number of parameters, sum(p.numel() for p in layer.parameters())",
        }
        wanted = [asked[part] for part in params.ask]
        listed = wanted[0] if len(wanted) == 1 else ", ".join(wanted[:-1]) + " and " + wanted[-1]
        return f"Read the PyTorch code below and give {listed}."

    def givens(self, params: LayerCodeParams) -> Givens:
        """The code snippet."""
        return Givens(code=self.code(params))

    def layout(self, params: LayerCodeParams) -> AnswerLayout:
        """One row of labelled boxes."""
        labels = params.labels
        return AnswerLayout(blocks=((1, len(labels)),), labels=labels, hint="order: " + " ".join(labels))

    def describe_answer(self, params: LayerCodeParams) -> str:
        """For the answer sheet."""
        names = {"output_shape": "y.shape", "weight_shape": "weight.shape", "parameters": "parameters"}
        return ", ".join(names[part] for part in params.ask)

    def explain(self, params: LayerCodeParams, views: tuple[str, ...]) -> tuple[Explanation, ...]:
        """The size formula for H and W, the weight layout, the parameter count."""
        layer, shape = params.layer, params.input_shape
        out = output_of(layer, shape)
        found: list[Explanation] = []
        if "formula" in views and "output_shape" in params.ask:
            operation = "transposed" if layer.transposed else "conv"
            steps = size_formula_steps(
                operation,
                shape[2:],
                layer.kernel_size,
                layer.stride,
                layer.padding,
                layer.dilation,
                layer.output_padding,
                out[2:],
            )
            found.append(Explanation("formula", "Output shape", steps))
            found.append(
                Explanation(
                    "text",
                    "Batch and channels",
                    f"N stays {shape[0]}; C becomes out_channels = {layer.out_channels}: y.shape = {fmt_shape(out)}.",
                )
            )
        if "weight" in views and ("weight_shape" in params.ask or "parameters" in params.ask):
            found.append(Explanation("text", "weight.shape", _weight_text(layer)))
        if "parameters" in views and "parameters" in params.ask:
            found.append(Explanation("text", "Number of parameters", _count_text(layer)))
        return tuple(found)

    def mark(self, params: LayerCodeParams, answer: Blocks, submitted: Any, atol: float, rtol: float) -> Any:
        """Each number exact (tolerances do not apply to shapes and counts)."""
        return super().mark(params, answer, submitted, 0.0, 0.0)


def _weight_text(layer: Layer) -> str:
    g, (kh, kw) = layer.groups, layer.kernel_size
    per, per_name = (f"/{g}", "/groups") if g > 1 else ("", "")
    if layer.transposed:
        why = "A transposed convolution stores its weight as (C_in, C_out/groups, kH, kW)"
        rule = f"(in_channels, out_channels{per_name}, kH, kW) = ({layer.in_channels}, {layer.out_channels}{per}, "
    else:
        why = "A convolution stores its weight as (C_out, C_in/groups, kH, kW)"
        rule = f"(out_channels, in_channels{per_name}, kH, kW) = ({layer.out_channels}, {layer.in_channels}{per}, "
    return f"{why}: weight.shape = {rule}{kh}, {kw}) = {fmt_shape(weight_shape(layer))}."


def _count_text(layer: Layer) -> str:
    a, b, kh, kw = weight_shape(layer)
    weights = a * b * kh * kw
    bias = f" + {layer.out_channels} biases (one per output channel)" if layer.bias else " (bias=False: no biases)"
    return f"weight: {a}·{b}·{kh}·{kw} = {weights} entries{bias}; parameters = {parameter_count(layer)}."


# --- mistakes ------------------------------------------------------------------------------------


def _with_parts(params: LayerCodeParams, needed: str, **changes: Any) -> Blocks | None:
    """The answer with some parts replaced, or None when `needed` is not asked."""
    if needed not in params.ask:
        return None
    values = [int(v) for v in _answer(params.layer, params.input_shape, params.ask)[0][0]]
    offset = 0
    for part in params.ask:
        width = len(_LABELS[part])
        if part in changes:
            values[offset : offset + width] = list(changes[part])
        offset += width
    return one_row(values)


def code_conv_weight_layout(params: LayerCodeParams) -> Blocks | None:
    """A transposed layer's weight written in Conv2d's layout (C_out, C_in/groups, kH, kW)."""
    layer = params.layer
    if not layer.transposed:
        return None
    wrong = weight_shape(replace(layer, kind="Conv2d", output_padding=(0, 0)))
    return _with_parts(params, "weight_shape", weight_shape=wrong)


def code_transposed_weight_layout(params: LayerCodeParams) -> Blocks | None:
    """A Conv2d's weight written in ConvTranspose2d's layout (C_in, C_out/groups, kH, kW)."""
    layer = params.layer
    if layer.transposed:
        return None
    return _with_parts(params, "weight_shape", weight_shape=weight_shape(replace(layer, kind="ConvTranspose2d")))


def code_groups_ignored(params: LayerCodeParams) -> Blocks | None:
    """groups taken as 1: weight.shape without the division by groups, and groups times the weights."""
    layer = params.layer
    if layer.groups == 1 or not {"weight_shape", "parameters"} & set(params.ask):
        return None
    return _answer(replace(layer, groups=1), params.input_shape, params.ask)  # the output shape is the same


def code_groups_ignored_in_count(params: LayerCodeParams) -> Blocks | None:
    """weight.shape right, but the parameters counted as if groups were 1."""
    layer = params.layer
    if layer.groups == 1 or "weight_shape" not in params.ask:
        return None  # without weight.shape asked, code_groups_ignored gives the same answer
    return _with_parts(params, "parameters", parameters=(parameter_count(replace(layer, groups=1)),))


def code_bias_forgotten(params: LayerCodeParams) -> Blocks | None:
    """Only the weight counted, although the layer has a bias."""
    layer = params.layer
    if not layer.bias:
        return None
    return _with_parts(params, "parameters", parameters=(parameter_count(replace(layer, bias=False)),))


def code_bias_per_input_channel(params: LayerCodeParams) -> Blocks | None:
    """One bias per input channel instead of one per output channel."""
    layer = params.layer
    if not layer.bias:
        return None
    count = parameter_count(replace(layer, bias=False)) + layer.in_channels
    return _with_parts(params, "parameters", parameters=(count,))


def code_conv_formula(params: LayerCodeParams) -> Blocks | None:
    """The convolution's size formula used for the transposed layer."""
    layer, shape = params.layer, params.input_shape
    if not layer.transposed:
        return None
    try:
        h, w = conv_formula_size(layer, (shape[2], shape[3]))
    except ParameterError:
        return None
    return _with_parts(params, "output_shape", output_shape=(shape[0], layer.out_channels, h, w))


LayerCode.mistakes = (
    Mistake(
        "code_conv_weight_layout",
        "You wrote the weight in Conv2d's layout",
        "a transposed convolution's weight is (in_channels, out_channels/groups, kH, kW), "
        "the convolution's (out_channels, in_channels/groups, kH, kW) read the other way.",
        code_conv_weight_layout,
    ),
    Mistake(
        "code_transposed_weight_layout",
        "You wrote the weight in ConvTranspose2d's layout",
        "a convolution's weight is (out_channels, in_channels/groups, kH, kW).",
        code_transposed_weight_layout,
    ),
    Mistake(
        "code_groups_ignored",
        "You took groups as 1",
        "each of the groups connects only in_channels/groups inputs to out_channels/groups outputs, "
        "so weight.shape has a channel count divided by groups and groups times fewer entries.",
        code_groups_ignored,
    ),
    Mistake(
        "code_groups_ignored_in_count",
        "You counted the parameters as if groups were 1",
        "the number of weights is the product of weight.shape's entries, which already divides by groups.",
        code_groups_ignored_in_count,
    ),
    Mistake(
        "code_bias_forgotten",
        "You left out the bias",
        "with bias=True (the default) the layer also has one bias per output channel.",
        code_bias_forgotten,
    ),
    Mistake(
        "code_bias_per_input_channel",
        "You counted one bias per input channel",
        "there is one bias per output channel: out_channels biases.",
        code_bias_per_input_channel,
    ),
    Mistake(
        "code_conv_formula",
        "You used the convolution's output-size formula",
        "for ConvTranspose2d H_out = (H_in − 1)·stride − 2·padding + dilation·(k − 1) + output_padding + 1.",
        code_conv_formula,
    ),
)

