"""PyTorch layers as records, what `layer_code` and `network_shapes` share: the shape a layer gives,
its `weight.shape` and parameter count, how it is written as code, and the wrong size rules students use.

Shapes are (N, C, H, W) tuples, as PyTorch prints `x.shape`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Callable

from exercisegen.errors import ParameterError
from exercisegen.explanations import ShapeStep, size_formula_steps
from exercisegen.fields import (
    MAX_SIZE,
    MAX_STEP,
    Field,
    dilation_field,
    output_padding_field,
    padding_field,
    stride_field,
)
from exercisegen.problems.base import Pair, as_pair, pair_json
from exercisegen.problems.drawing import draw_pair, draw_value

if TYPE_CHECKING:
    import numpy as np

Shape = tuple[int, int, int, int]  # (N, C, H, W)

CONV_KINDS = ("ConvTranspose2d", "Conv2d")
MAX_WIDE = 4096  # channels and batch in code questions (only shapes are computed, never tensors)
LAYER_KINDS = ("ConvTranspose2d", "Conv2d", "Upsample", "cat")

# PyTorch's positional order of the arguments after (in_channels, out_channels, kernel_size), with defaults
_POSITIONAL = {
    "ConvTranspose2d": ("stride", "padding", "output_padding", "groups", "bias", "dilation"),
    "Conv2d": ("stride", "padding", "dilation", "groups", "bias"),
}
_DEFAULTS: dict[str, Any] = {
    "stride": (1, 1),
    "padding": (0, 0),
    "output_padding": (0, 0),
    "dilation": (1, 1),
    "groups": 1,
    "bias": True,
}


LAYER_ITEMS = (  # the fields of one item of network_shapes' `layers`
    ("layer", Field("word", required=True, options=LAYER_KINDS, help="ConvTranspose2d, Conv2d, Upsample or cat")),
    ("out_channels", Field("int", minimum=1, maximum=MAX_WIDE, help="out_channels of a (transposed) convolution")),
    ("kernel_size", Field("pair", minimum=1, maximum=MAX_SIZE, help="kernel_size of a (transposed) convolution")),
    ("stride", stride_field()),
    ("padding", padding_field()),
    ("output_padding", output_padding_field()),
    ("dilation", dilation_field()),
    ("scale_factor", Field("int", default=2, minimum=1, maximum=MAX_STEP, help="Upsample: the factor H and W grow by")),
    ("skip_channels", Field(
        "int", minimum=1, maximum=MAX_WIDE,
        help="cat: the channels of the skip connection appended",
    )),
    ("optional", Field("bool", default=False, help="drawn in or left out (each with probability 1/2)")),
)


@dataclass(frozen=True)
class Layer:
    """One layer: a (transposed) convolution, an nn.Upsample, or a torch.cat with a skip connection."""

    kind: str  # one of LAYER_KINDS
    in_channels: int
    out_channels: int  # for "cat": in_channels + the skip's channels; for "Upsample": in_channels
    kernel_size: Pair = (1, 1)
    stride: Pair = (1, 1)
    padding: Pair = (0, 0)
    output_padding: Pair = (0, 0)
    dilation: Pair = (1, 1)
    groups: int = 1
    bias: bool = True
    scale_factor: int = 1  # Upsample

    @property
    def transposed(self) -> bool:
        """True for nn.ConvTranspose2d."""
        return self.kind == "ConvTranspose2d"

    @property
    def skip_channels(self) -> int:
        """The channels a cat layer appends."""
        return self.out_channels - self.in_channels


def layer_to_json(layer: Layer) -> dict[str, Any]:
    """The record as plain JSON (PyTorch names; only the fields the kind uses)."""
    doc: dict[str, Any] = {"layer": layer.kind, "in_channels": layer.in_channels, "out_channels": layer.out_channels}
    if layer.kind in CONV_KINDS:
        doc["kernel_size"] = pair_json(layer.kernel_size)
        doc["stride"] = pair_json(layer.stride)
        doc["padding"] = pair_json(layer.padding)
        if layer.transposed:
            doc["output_padding"] = pair_json(layer.output_padding)
        doc["dilation"] = pair_json(layer.dilation)
        doc["groups"] = layer.groups
        doc["bias"] = layer.bias
    elif layer.kind == "Upsample":
        doc["scale_factor"] = layer.scale_factor
    return doc


def layer_from_json(doc: dict[str, Any]) -> Layer:
    """The record back from `layer_to_json`'s form (KeyError / ValueError if malformed)."""
    kind = str(doc["layer"])
    if kind not in LAYER_KINDS:
        raise ValueError(f"unknown layer {kind!r}")
    pairs = {
        name: as_pair(doc[name])
        for name in ("kernel_size", "stride", "padding", "output_padding", "dilation")
        if name in doc
    }
    return Layer(
        kind,
        int(doc["in_channels"]),
        int(doc["out_channels"]),
        groups=int(doc.get("groups", 1)),
        bias=bool(doc.get("bias", True)),
        scale_factor=int(doc.get("scale_factor", 1)),
        **pairs,
    )


def draw_layer(kind: str, channels: int, item: dict[str, Any], rng: "np.random.Generator") -> Layer | None:
    """One layer of `kind` taking `channels` in, its numbers drawn from the spec item."""
    if kind == "Upsample":
        return Layer(kind, channels, channels, scale_factor=int(draw_value(item["scale_factor"], rng)))
    if kind == "cat":
        return Layer(kind, channels, channels + int(draw_value(item["skip_channels"], rng)))
    names = ("kernel_size", "stride", "padding", "output_padding", "dilation")
    kernel, stride, padding, output_padding, dilation = (draw_pair(item[n], rng) for n in names)
    if kind == "Conv2d":
        output_padding = (0, 0)
    out = int(draw_value(item["out_channels"], rng))
    return Layer(kind, channels, out, kernel, stride, padding, output_padding, dilation)


# --- what a layer computes -------------------------------------------------------------------------


def spatial_size(layer: Layer, size: Pair) -> Pair:
    """(H_out, W_out) from (H_in, W_in) under PyTorch's rules; ParameterError when empty or invalid."""
    from exercisegen.solver import output_shape

    if layer.kind == "Upsample":
        return (size[0] * layer.scale_factor, size[1] * layer.scale_factor)
    if layer.kind == "cat":
        return size
    operation = "transposed" if layer.transposed else "conv"
    return output_shape(
        operation,
        size,
        layer.kernel_size,
        stride=layer.stride,
        padding=layer.padding,
        output_padding=layer.output_padding,
        dilation=layer.dilation,
    )


def output_of(layer: Layer, shape: Shape) -> Shape:
    """The shape after the layer; ParameterError when the input has the wrong channels or the output is empty."""
    n, c, h, w = shape
    if c != layer.in_channels:
        raise ParameterError(f"the layer expects {layer.in_channels} channels, got {c}")
    out_h, out_w = spatial_size(layer, (h, w))
    return (n, layer.out_channels, out_h, out_w)


def shapes_through(layers: tuple[Layer, ...], shape: Shape) -> tuple[Shape, ...]:
    """The shape after each layer (ParameterError when one is invalid)."""
    shapes = []
    for layer in layers:
        shape = output_of(layer, shape)
        shapes.append(shape)
    return tuple(shapes)


def weight_shape(layer: Layer) -> tuple[int, int, int, int]:
    """`weight.shape`: (C_out, C_in/groups, kH, kW) for Conv2d, (C_in, C_out/groups, kH, kW) transposed."""
    kh, kw = layer.kernel_size
    if layer.transposed:
        return (layer.in_channels, layer.out_channels // layer.groups, kh, kw)
    return (layer.out_channels, layer.in_channels // layer.groups, kh, kw)


def parameter_count(layer: Layer) -> int:
    """`sum(p.numel() for p in layer.parameters())`: the weight's entries plus C_out biases."""
    a, b, kh, kw = weight_shape(layer)
    return a * b * kh * kw + (layer.out_channels if layer.bias else 0)


# --- as code -------------------------------------------------------------------------------------------


def _arg(value: Any) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, tuple):
        return str(value[0]) if value[0] == value[1] else f"({value[0]}, {value[1]})"
    return str(value)


def layer_call(layer: Layer, style: str, hidden: tuple[str, ...] = ()) -> str:
    """`nn.ConvTranspose2d(16, 8, kernel_size=4, stride=2, padding=1)` in a style: "keyword" (every
    argument named), "positional" (PyTorch's order, up to the last one that differs from its default)
    or "mixed" (channels and kernel positional, the rest named). `hidden` arguments are written
    `name=?` (keyword), after the others."""
    if layer.kind == "Upsample":
        return f'nn.Upsample(scale_factor={layer.scale_factor}, mode="nearest")'
    if layer.kind == "cat":
        return "torch.cat([x, skip], dim=1)"
    values = {
        "stride": layer.stride,
        "padding": layer.padding,
        "output_padding": layer.output_padding,
        "dilation": layer.dilation,
        "groups": layer.groups,
        "bias": layer.bias,
    }
    order = [name for name in _POSITIONAL[layer.kind] if name not in hidden]
    changed = [name for name in order if values[name] != _DEFAULTS[name]]
    head = [str(layer.in_channels), str(layer.out_channels), _arg(layer.kernel_size)]
    if style == "keyword":
        args = [f"{n}={v}" for n, v in zip(("in_channels", "out_channels", "kernel_size"), head)]
        args += [f"{name}={_arg(values[name])}" for name in changed]
    elif style == "positional" and not hidden:
        last = max((order.index(name) for name in changed), default=-1)
        args = head + [_arg(values[name]) for name in order[: last + 1]]
    else:
        args = head + [f"{name}={_arg(values[name])}" for name in changed]
    args += [f"{name}=?" for name in hidden]
    return f"nn.{layer.kind}({', '.join(args)})"


def wrap_call(call: str, width: int = 64, indent: str = "    ") -> list[str]:
    """A long call broken after commas into lines of at most about `width` characters."""
    if len(call) <= width:
        return [call]
    lines: list[str] = []
    current = ""
    for piece in call.split(", "):
        candidate = f"{current}, {piece}" if current else piece
        if current and len(candidate) + 1 > width:
            lines.append(current + ",")
            current = indent + piece
        else:
            current = candidate
    lines.append(current)
    return lines


def fmt_shape(shape: tuple[int, ...]) -> str:
    """(16, 8, 4, 4) as PyTorch prints a torch.Size's tuple."""
    return "(" + ", ".join(str(v) for v in shape) + ")"


# --- a network of layers -------------------------------------------------------------------------------

HIDDEN = ("stride", "padding", "output_padding")  # what a design question hides in its layer


def network_code(input_shape: Shape, layers: tuple[Layer, ...], style: str, hidden: int = 0) -> str:
    """Forward-style code: one line per layer, numbered in a comment; layer `hidden` (1-based) shows
    `stride=?, padding=?, output_padding=?`."""
    lines = [f"x = torch.randn{fmt_shape(input_shape)}"]
    calls = []
    for index, layer in enumerate(layers, start=1):
        call = layer_call(layer, style, HIDDEN if index == hidden else ())
        if layer.kind == "cat":
            text = f"x = torch.cat([x, skip{index}], dim=1)"
            note = f"# {index}; skip{index} has {layer.skip_channels} channels"
        else:
            text, note = f"x = {call}(x)", f"# {index}"
        calls.append((text, note))
    width = max(len(text) for text, _ in calls)
    lines += [f"{text.ljust(width)}  {note}" for text, note in calls]
    return "\n".join(lines)


def network_table(layers: tuple[Layer, ...], hidden: int = 0) -> tuple[tuple[str, ...], ...]:
    """Header, then one row per layer; `-` where a setting does not apply, `?` where it is to be chosen."""
    dilated = any(layer.dilation != (1, 1) for layer in layers)
    header = ["#", "layer", "out_channels", "kernel_size", "stride", "padding", "output_padding"]
    header += ["dilation"] if dilated else []
    header += ["scale_factor"]
    rows = [tuple(header)]
    for index, layer in enumerate(layers, start=1):
        if layer.kind in CONV_KINDS:
            values = [layer.stride, layer.padding, layer.output_padding if layer.transposed else None]
            cells = [str(layer.out_channels), _pair(layer.kernel_size)]
            cells += ["?" if index == hidden else ("-" if v is None else _pair(v)) for v in values]
            cells += [_pair(layer.dilation)] if dilated else []
            cells += ["-"]
        else:
            what = f"+{layer.skip_channels} (skip)" if layer.kind == "cat" else "-"
            cells = [what, "-", "-", "-", "-"] + (["-"] if dilated else [])
            cells += [str(layer.scale_factor) if layer.kind == "Upsample" else "-"]
        rows.append((str(index), layer.kind, *cells))
    return tuple(rows)


def _pair(value: Pair) -> str:
    return str(pair_json(value)).replace(" ", "")


def layer_steps(layer: Layer, shape: Shape, out: Shape) -> tuple[ShapeStep, ...]:
    """The channels and the H / W formulas of one layer, as formula steps."""
    n, c, h, w = shape
    if layer.kind == "cat":
        return (ShapeStep("C", "C_in + C_skip", f"{c} + {layer.skip_channels} = {out[1]}", out[1]),)
    if layer.kind == "Upsample":
        f = layer.scale_factor
        return (
            ShapeStep("H", "H_in · scale_factor", f"{h}·{f} = {out[2]}", out[2]),
            ShapeStep("W", "W_in · scale_factor", f"{w}·{f} = {out[3]}", out[3]),
        )
    operation = "transposed" if layer.transposed else "conv"
    channels = ShapeStep("C", "out_channels", str(out[1]), out[1])
    steps = size_formula_steps(
        operation, (h, w), layer.kernel_size, layer.stride, layer.padding, layer.dilation, layer.output_padding, out[2:]
    )
    return (channels, *steps)


# --- error carried forward ------------------------------------------------------------------------------


def _whole(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float)) and value == int(value)


def carried_output(layer: Layer, previous: tuple[Any, ...]) -> Shape | None:
    """The shape the layer gives from the student's own previous row (None if that row is not a shape)."""
    if len(previous) != 4 or not all(_whole(v) for v in previous):
        return None
    n, c, h, w = (int(v) for v in previous)
    if min(n, c, h, w) < 1:
        return None
    channels = {"Upsample": c, "cat": c + layer.skip_channels}.get(layer.kind, layer.out_channels)
    try:
        out_h, out_w = spatial_size(layer, (h, w))
    except ParameterError:
        return None
    return (n, channels, out_h, out_w)


def traced_shapes(
    input_shape: Shape, layers: tuple[Layer, ...], size_rule: Callable[[Layer, Pair], Pair], skip_channels: bool
) -> tuple[Shape, ...] | None:
    """The shapes after each layer with `size_rule` for H and W (a wrong rule, for modelled mistakes) and,
    unless `skip_channels`, torch.cat keeping the channels; None when a size becomes empty."""
    n, c, h, w = input_shape
    rows = []
    try:
        for layer in layers:
            h, w = size_rule(layer, (h, w))
            if min(h, w) < 1:
                return None
            if layer.kind == "cat":
                c = c + (layer.skip_channels if skip_channels else 0)
            elif layer.kind in CONV_KINDS:
                c = layer.out_channels
            rows.append((n, c, h, w))
    except ParameterError:
        return None
    return tuple(rows)


# --- wrong rules students use -----------------------------------------------------------------------


def conv_formula_size(layer: Layer, size: Pair) -> Pair:
    """A transposed layer's size computed with the convolution's formula (ParameterError when empty)."""
    if not layer.transposed:
        return spatial_size(layer, size)
    out = tuple(
        (size[a] + 2 * layer.padding[a] - layer.dilation[a] * (layer.kernel_size[a] - 1) - 1) // layer.stride[a] + 1
        for a in (0, 1)
    )
    if min(out) < 1:
        raise ParameterError("empty output")
    return (out[0], out[1])


def added_padding_size(layer: Layer, size: Pair) -> Pair:
    """A transposed layer's size with 2p added instead of cropped."""
    if not layer.transposed:
        return spatial_size(layer, size)
    bigger = replace(layer, padding=(0, 0))
    h, w = spatial_size(bigger, size)
    return (h + 2 * layer.padding[0], w + 2 * layer.padding[1])


def without_output_padding_size(layer: Layer, size: Pair) -> Pair:
    """A transposed layer's size with output_padding left out."""
    return spatial_size(replace(layer, output_padding=(0, 0)), size)
