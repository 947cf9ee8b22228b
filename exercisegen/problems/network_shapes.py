"""Problem type `network_shapes`: trace (N, C, H, W) through a small decoder (a DCGAN generator, a
U-Net up path) given as code or as a table; or choose one layer's stride, padding and output_padding
so that the network reaches its output size.

Grading carries errors forward: a layer's shape computed right from the student's own (wrong) shape
before it earns its credit, and the feedback says so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Callable

from exercisegen.errors import ParameterError
from exercisegen.explanations import Explanation
from exercisegen.fields import MAX_FORMULA_SIZE, Field
from exercisegen.problems.base import (
    AnswerLayout,
    Blocks,
    BoxByBoxForm,
    Givens,
    Marks,
    Mistake,
    Pair,
    ProblemType,
    Submitted,
    as_pair,
    matrix_of,
    pair_json,
)
from exercisegen.problems.drawing import draw_pair, draw_value, one_row, overlap_ok, size_ok
from exercisegen.problems.torch_layers import (
    CONV_KINDS,
    HIDDEN,
    LAYER_ITEMS,
    MAX_WIDE,
    Layer,
    Shape,
    added_padding_size,
    carried_output,
    conv_formula_size,
    draw_layer,
    fmt_shape,
    layer_from_json,
    layer_steps,
    layer_to_json,
    network_code,
    network_table,
    shapes_through,
    spatial_size,
    traced_shapes,
    without_output_padding_size,
)

if TYPE_CHECKING:
    import numpy as np

    from exercisegen.spec_model import ProblemSpec

SHAPE_LABELS = ("N", "C", "H", "W")
DESIGN_LABELS = HIDDEN


@dataclass(frozen=True)
class NetworkParams:
    """The input shape, the drawn layers, how they are shown, and (design) which layer is chosen."""

    input_shape: Shape
    layers: tuple[Layer, ...]
    show_as: str  # "code" | "table"
    style: str  # how calls are written (see torch_layers.layer_call)
    design: int  # 0: trace the shapes; i >= 1: choose layer i's stride, padding, output_padding

    @property
    def shapes(self) -> tuple[Shape, ...]:
        """The shape after each layer."""
        return shapes_through(self.layers, self.input_shape)


class NetworkShapes(ProblemType[NetworkParams]):
    """The shape after every layer (error carried forward), or a design choice for one layer."""

    name = "network_shapes"
    fields = {
        "batch": Field("int", default=1, minimum=1, maximum=MAX_WIDE, help="N of the input shape"),
        "in_channels": Field("int", required=True, minimum=1, maximum=MAX_WIDE, help="C of the input shape"),
        "input_size": Field("pair", required=True, minimum=1, maximum=MAX_FORMULA_SIZE, help="H and W of the input"),
        "layers": Field(
            "list",
            required=True,
            minimum=2,
            maximum=8,
            items=LAYER_ITEMS,
            help="the layers in order; a drawn network keeps 2 to 5 of them",
        ),
        "show_as": Field("word", default="code", options=("code", "table"), help="the network as code or a table"),
        "style": Field(
            "word",
            default="mixed",
            options=("keyword", "positional", "mixed"),
            help="how calls are written in code (see layer_code)",
        ),
        "design_layer": Field(
            "int",
            default=0,
            minimum=0,
            help="0: fill the shape after each layer; i: choose stride, padding and output_padding of "
            "layers[i-1] (a ConvTranspose2d, not optional) so the network reaches its output size",
        ),
    }
    views = ("formula",)
    default_views = ("formula",)
    constraints = frozenset(("max_output_size", "min_output_size", "overlap", "distinct_from_mistakes"))

    def check_fields(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        """Each layer has what its kind needs; the design layer is a fixed ConvTranspose2d."""
        problems = []
        for i, item in enumerate(dict(layer) for layer in fields["layers"]):
            kinds = set(item["layer"].values)
            if kinds & set(CONV_KINDS):
                for name in ("out_channels", "kernel_size"):
                    if item[name] is None:
                        problems.append((f"layers[{i}].{name}", f"required for {' / '.join(sorted(kinds))}"))
            if "cat" in kinds and item["skip_channels"] is None:
                problems.append((f"layers[{i}].skip_channels", "required for cat"))
        count = len(fields["layers"])
        design = fields["design_layer"].values[0] if fields["design_layer"].kind == "fixed" else 0
        if fields["design_layer"].kind != "fixed":
            problems.append(("design_layer", "must be a fixed number"))
        elif design > count:
            problems.append(("design_layer", f"must be at most {count}, the number of layers"))
        elif design:
            item = dict(fields["layers"][design - 1])
            if set(item["layer"].values) != {"ConvTranspose2d"} or item["optional"]:
                problems.append(
                    ("design_layer", f"layers[{design - 1}] must be a ConvTranspose2d that is not optional")
                )
        return problems

    def draw(self, spec: "ProblemSpec", rng: "np.random.Generator") -> NetworkParams | None:
        """Draw the input and every layer (optional ones in or out); None when a shape is empty or a
        constraint fails."""
        field = spec.field
        batch, channels = int(draw_value(field("batch"), rng)), int(draw_value(field("in_channels"), rng))
        size = draw_pair(field("input_size"), rng)
        design_index = int(draw_value(field("design_layer"), rng))
        layers: list[Layer] = []
        design = 0
        c = channels
        for index, raw in enumerate(field("layers"), start=1):
            item = dict(raw)
            kind = draw_value(item["layer"], rng)
            layer = draw_layer(kind, c, item, rng)
            if layer is None:
                return None
            if item["optional"] and rng.integers(2) == 0:
                continue
            layers.append(layer)
            c = layer.out_channels
            if index == design_index:
                design = len(layers)
        if not 2 <= len(layers) <= 5:
            return None
        show_as, style = draw_value(field("show_as"), rng), draw_value(field("style"), rng)
        params = NetworkParams((batch, channels, size[0], size[1]), tuple(layers), show_as, style, design)
        try:
            shapes = params.shapes
        except ParameterError:
            return None
        chosen = layers[design - 1] if design else None  # a design's choice is one number per setting
        if chosen and any(v[0] != v[1] for v in (chosen.stride, chosen.padding, chosen.output_padding)):
            return None
        return params if _meets(spec, self, params, shapes) else None

    def solve(self, params: NetworkParams) -> Blocks:
        """The shape after each layer, one row each; design: the drawn stride, padding, output_padding."""
        if params.design:
            layer = params.layers[params.design - 1]
            return one_row([layer.stride[0], layer.padding[0], layer.output_padding[0]])
        return (matrix_of([list(shape) for shape in params.shapes]),)

    def params_to_json(self, params: NetworkParams) -> dict[str, Any]:
        """The input (the spec's names), layers (PyTorch names), how shown, design layer."""
        n, c, h, w = params.input_shape
        return {
            "batch": n,
            "in_channels": c,
            "input_size": pair_json((h, w)),
            "layers": [layer_to_json(layer) for layer in params.layers],
            "show_as": params.show_as,
            "style": params.style,
            "design_layer": params.design,
        }

    def params_from_json(self, doc: dict[str, Any]) -> NetworkParams:
        """The record from key.json."""
        h, w = as_pair(doc["input_size"])
        shape = (int(doc["batch"]), int(doc["in_channels"]), h, w)
        layers = tuple(layer_from_json(layer) for layer in doc["layers"])
        design = int(doc["design_layer"])
        if not layers or not 0 <= design <= len(layers):
            raise ValueError("malformed network_shapes params")
        return NetworkParams(shape, layers, str(doc["show_as"]), str(doc["style"]), design)

    # -- what the student sees ------------------------------------------------------------------------

    def statement(self, params: NetworkParams) -> str:
        """The task in words."""
        shown = "code" if params.show_as == "code" else "table"
        start = f"An input x of shape {fmt_shape(params.input_shape)} goes through the layers in the {shown} below."
        if params.design:
            final = params.shapes[-1]
            return (
                f"{start} Choose stride, padding and output_padding of layer {params.design} (marked ?) so that "
                f"the output has shape {fmt_shape(final)}. Any valid choice is accepted (stride ≥ 1, "
                "padding ≥ 0, output_padding smaller than the stride or the dilation)."
            )
        return f"{start} Give the shape (N, C, H, W) of x after each layer, one row per layer."

    def givens(self, params: NetworkParams) -> Givens:
        """The network as code or as a table."""
        if params.show_as == "table":
            return Givens(table=network_table(params.layers, params.design), table_caption="layers, in order")
        return Givens(code=network_code(params.input_shape, params.layers, params.style, params.design))

    def layout(self, params: NetworkParams) -> AnswerLayout:
        """One row per layer (N C H W), or the three design boxes."""
        if params.design:
            return AnswerLayout(blocks=((1, 3),), labels=DESIGN_LABELS, hint="order: " + " ".join(DESIGN_LABELS))
        count = len(params.layers)
        return AnswerLayout(
            blocks=((count, 4),),
            labels=SHAPE_LABELS,
            row_labels=tuple(f"layer {i}" for i in range(1, count + 1)),
            hint="one row per layer: N C H W",
        )

    def describe_answer(self, params: NetworkParams) -> str:
        """For the answer sheet."""
        return f"layer {params.design}'s choice" if params.design else "the shape after each layer"

    def explain(self, params: NetworkParams, views: tuple[str, ...]) -> tuple[Explanation, ...]:
        """Per layer: its call and the formulas with this variant's numbers."""
        if "formula" not in views:
            return ()
        found = []
        shape = params.input_shape
        for index, (layer, out) in enumerate(zip(params.layers, params.shapes), start=1):
            title = f"Layer {index} ({layer.kind}): {fmt_shape(shape)} → {fmt_shape(out)}"
            found.append(Explanation("formula", title, layer_steps(layer, shape, out)))
            shape = out
        if params.design:
            found.append(Explanation("text", "Valid choices", _choices_text(params)))
        return tuple(found)

    # -- grading ------------------------------------------------------------------------------------

    def mark(self, params: NetworkParams, answer: Blocks, submitted: Submitted, atol: float, rtol: float) -> Marks:
        """Shapes: each number right, or right from the student's own row before (error carried forward).
        Design: all boxes right when the choice reaches the output shape."""
        if params.design:
            ok = self.is_valid_choice(params, list(submitted[0][0]))
            return ((tuple(ok for _ in submitted[0][0]),),)
        rows = submitted[0]
        marks = []
        for r, (row, key) in enumerate(zip(rows, answer[0])):
            carried = carried_output(params.layers[r], rows[r - 1]) if r else None
            marks.append(
                tuple(
                    _same(v, k) or (carried is not None and _same(v, carried[c]))
                    for c, (v, k) in enumerate(zip(row, key))
                )
            )
        return (tuple(marks),)

    def comment(self, params: NetworkParams, submitted: Submitted) -> str | None:
        """Which layers earned their credit by error carried forward; for a design, what the choice gives."""
        if params.design:
            return _design_comment(params, submitted)
        rows = submitted[0] if submitted else ()
        key = self.solve(params)[0]
        if len(rows) != len(key):
            return None
        marks = self.mark(params, self.solve(params), submitted, 0.0, 0.0)[0]
        carried = [r + 1 for r in range(1, len(rows)) if all(marks[r]) and tuple(rows[r]) != tuple(key[r])]
        if not carried:
            return None
        names = _and_list([str(r) for r in carried])
        before = _and_list([str(r - 1) for r in carried])
        layers = "Layer" if len(carried) == 1 else "Layers"
        return (
            f"{layers} {names} counted as right: computed correctly from your own shape after layer {before} "
            "(error carried forward)."
        )

    def box_by_box(self, params: NetworkParams) -> BoxByBoxForm | None:
        """Design: stride and output_padding given, so that the padding is the one answer."""
        if not params.design:
            return None
        layer = params.layers[params.design - 1]
        statement = (
            f"{self.statement(params)} Here, use stride {layer.stride[0]} and output_padding "
            f"{layer.output_padding[0]}: which padding reaches the output shape?"
        )
        layout = AnswerLayout(blocks=((1, 1),), labels=("padding",), hint="order: padding")
        return BoxByBoxForm(statement, layout, one_row([layer.padding[0]]))

    def valid_note(self) -> str:
        """Feedback says that another choice would do too (design)."""
        return " (errors are carried forward; any valid design choice counts)"

    def is_valid_choice(self, params: NetworkParams, values: list[Any]) -> bool:
        """Does (stride, padding, output_padding) for the design layer give the network's output shape?"""
        chosen = _chosen(params, values)
        if chosen is None:
            return False
        try:
            return shapes_through(chosen, params.input_shape)[-1] == params.shapes[-1]
        except ParameterError:
            return False


# --- drawing helpers ---------------------------------------------------------------------------------


def _meets(spec: "ProblemSpec", kind: NetworkShapes, params: NetworkParams, shapes: tuple[Shape, ...]) -> bool:
    c = spec.constraints
    if not all(size_ok(c, shape[2:]) for shape in shapes):
        return False
    convs = [layer for layer in params.layers if layer.kind in CONV_KINDS]
    if c.overlap and not all(overlap_ok(x.kernel_size, x.stride, x.dilation) for x in convs):
        return False
    return not (c.distinct_from_mistakes and not params.design and kind.confusable(params, kind.solve(params)))


def _and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# --- grading helpers -------------------------------------------------------------------------------------


def _same(value: Any, expected: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float)) and value == expected


def _chosen(params: NetworkParams, values: list[Any]) -> tuple[Layer, ...] | None:
    """The layers with the student's (stride, padding, output_padding) in the design layer, or None."""
    if len(values) != 3 or not all(_same(v, int(v)) if isinstance(v, (int, float)) else False for v in values):
        return None
    s, p, op = (int(v) for v in values)
    layer = params.layers[params.design - 1]
    if s < 1 or p < 0 or op < 0 or op >= max(s, *layer.dilation):
        return None
    layers = list(params.layers)
    layers[params.design - 1] = replace(layer, stride=(s, s), padding=(p, p), output_padding=(op, op))
    return tuple(layers)


def _design_comment(params: NetworkParams, submitted: Submitted) -> str | None:
    values = list(submitted[0][0]) if submitted and submitted[0] else []
    if len(values) != 3:
        return None
    chosen = _chosen(params, values)
    if chosen is None:
        return (
            "Every box needs a whole number: stride ≥ 1, padding ≥ 0, and output_padding smaller than the "
            "stride or the dilation."
        )
    try:
        final = shapes_through(chosen, params.input_shape)[-1]
    except ParameterError:
        return "With your choice a later layer gets an empty input."
    return f"With your choice the output has shape {fmt_shape(final)}, not {fmt_shape(params.shapes[-1])}."


def _choices_text(params: NetworkParams) -> str:
    """The drawn choice and a few other valid ones (small values first)."""
    drawn = list(NetworkShapes().solve(params)[0][0])
    others = [
        [s, p, op]
        for s in range(1, 6)
        for op in range(0, s)
        for p in range(0, 2 * max(params.shapes[-1][2:]) + 1)
        if [s, p, op] != drawn and NetworkShapes().is_valid_choice(params, [s, p, op])
    ]
    text = "One valid choice: " + ", ".join(f"{n} {v}" for n, v in zip(DESIGN_LABELS, drawn)) + "."
    if others:
        text += " Other valid choices include " + "; ".join(
            ", ".join(f"{n} {v}" for n, v in zip(DESIGN_LABELS, choice)) for choice in others[:4]
        ) + "."
    return text


# --- mistakes ----------------------------------------------------------------------------------------------


def _traced(
    params: NetworkParams, size_rule: Callable[[Layer, Pair], Pair], skip_channels: bool = True
) -> Blocks | None:
    """The shapes a student gets using `size_rule` for every layer (carrying their own shapes forward)."""
    if params.design:
        return None
    rows = traced_shapes(params.input_shape, params.layers, size_rule, skip_channels)
    return None if rows is None else (matrix_of([list(row) for row in rows]),)


def _has(params: NetworkParams, test: Callable[[Layer], bool]) -> bool:
    return any(test(layer) for layer in params.layers)


def net_conv_formula(params: NetworkParams) -> Blocks | None:
    """Every transposed layer's size computed with the convolution's formula."""
    if not _has(params, lambda x: x.transposed):
        return None
    return _traced(params, conv_formula_size)


def net_added_padding(params: NetworkParams) -> Blocks | None:
    """Padding added (2p) instead of cropped in every transposed layer."""
    if not _has(params, lambda x: x.transposed and x.padding != (0, 0)):
        return None
    return _traced(params, added_padding_size)


def net_ignored_output_padding(params: NetworkParams) -> Blocks | None:
    """output_padding left out of every transposed layer."""
    if not _has(params, lambda x: x.transposed and x.output_padding != (0, 0)):
        return None
    return _traced(params, without_output_padding_size)


def net_skip_channels_ignored(params: NetworkParams) -> Blocks | None:
    """torch.cat taken to keep the channel count."""
    if not _has(params, lambda x: x.kind == "cat"):
        return None
    return _traced(params, spatial_size, skip_channels=False)


_T_SIZE = "H_out = (H_in − 1)·stride − 2·padding + dilation·(k − 1) + output_padding + 1"

NetworkShapes.mistakes = (
    Mistake(
        "net_conv_formula",
        "You used the convolution's output-size formula for the transposed layers",
        f"for ConvTranspose2d {_T_SIZE}.",
        net_conv_formula,
    ),
    Mistake(
        "net_added_padding",
        "You added the padding in the transposed layers",
        f"in ConvTranspose2d padding crops the output: {_T_SIZE}.",
        net_added_padding,
    ),
    Mistake(
        "net_ignored_output_padding",
        "You left out output_padding",
        f"it adds rows and columns to a ConvTranspose2d's output: {_T_SIZE}.",
        net_ignored_output_padding,
    ),
    Mistake(
        "net_skip_channels_ignored",
        "You kept the channel count at torch.cat",
        "concatenating along dim=1 adds the skip connection's channels to x's.",
        net_skip_channels_ignored,
    ),
)

