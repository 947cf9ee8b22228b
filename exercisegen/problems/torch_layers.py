"""PyTorch layers as records, what `layer_code` and `network_shapes` share: the shape a layer gives,
its `weight.shape` and parameter count, how it is written as code, and the wrong size rules students use.

Shapes are (N, C, H, W) tuples, as PyTorch prints `x.shape`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from exercisegen.errors import ParameterError
from exercisegen.problems.base import Pair, as_pair, pair_json

Shape = tuple[int, int, int, int]  # (N, C, H, W)

CONV_KINDS = ("ConvTranspose2d", "Conv2d")
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
