"""What `transposed_conv` and `conv` share: the parameter record and the grid-problem skeleton.

Each of the two types subclasses `GridType` and supplies what differs: the operation, the kernel
layout, the wording, its views and its mistakes.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar, Iterator

from exercisegen.errors import ParameterError
from exercisegen.explanations import (
    ChannelPart,
    ChannelSum,
    Explanation,
    ShapeStep,
    matrix_fits,
    size_formula_steps,
)
from exercisegen.fields import (
    Field,
    channels_field,
    dilation_field,
    output_padding_field,
    padding_field,
    stride_field,
)
from exercisegen.notation import fmt_pair
from exercisegen.problems.base import (
    AnswerLayout,
    Blocks,
    BoxByBoxForm,
    GivenGrid,
    Givens,
    Matrix,
    Pair,
    ProblemType,
    as_pair,
    blocks_of,
    matrix_of,
    nested,
    pair_json,
    shape_of,
)
from exercisegen.problems.drawing import (
    answer_ok,
    depth,
    draw_matrix,
    draw_value,
    hidden_canvas,
    matrix_ok,
    overlap_ok,
    size_ok,
)
from exercisegen.problems.grid_limits import grid_size_problems
from exercisegen.spec_model import CONSTRAINT_NAMES

if TYPE_CHECKING:
    import numpy as np

    from exercisegen.spec_model import ProblemSpec

Weight = tuple[Blocks, ...]  # 4-D, in the operation's own layout


@dataclass(frozen=True)
class GridParams:
    """A drawn grid problem: input (C_in, H, W), 4-D kernel, and PyTorch's parameters as pairs."""

    input: Blocks
    kernel: Weight  # transposed: (C_in, C_out/groups, kH, kW); conv: (C_out, C_in/groups, kH, kW)
    stride: Pair
    padding: Pair
    output_padding: Pair  # (0, 0) for a convolution
    dilation: Pair
    groups: int
    ask_shape: bool = False

    @property
    def in_channels(self) -> int:
        """C_in."""
        return len(self.input)

    @property
    def input_size(self) -> Pair:
        """(H, W) of the input."""
        return (len(self.input[0]), len(self.input[0][0]))

    @property
    def kernel_size(self) -> Pair:
        """(kH, kW)."""
        return (len(self.kernel[0][0]), len(self.kernel[0][0][0]))

    @property
    def single(self) -> bool:
        """One input and one output channel, no groups: the single-channel shorthand (2-D grids)."""
        return len(self.input) == 1 and len(self.kernel) == 1 and len(self.kernel[0]) == 1 and self.groups == 1


def grid_fields(transposed: bool) -> dict[str, Field]:
    """The spec fields of a grid problem, in key.json order."""
    fields = {
        "input": Field("matrix", required=True, help="the input grid (H, W), or (C_in, H, W) with channels"),
        "kernel": Field("matrix", required=True, help="the kernel (kH, kW), or 4-D with channels"),
        "stride": stride_field(),
        "padding": padding_field(),
    }
    if transposed:
        fields["output_padding"] = output_padding_field()
    fields |= {
        "dilation": dilation_field(),
        "groups": channels_field("groups: input and output channels split into this many independent groups"),
        "in_channels": channels_field("number of input channels C_in"),
        "out_channels": channels_field("number of output channels C_out"),
        "ask_shape": Field("bool", default=False, help="the student works out the output size too"),
    }
    return fields


@lru_cache(maxsize=1024)
def _solved(kind: "GridType", params: GridParams) -> Blocks:
    return blocks_of(kind._run(params).tolist())


class GridType(ProblemType[GridParams]):
    """A problem whose answer is the output grid of one (transposed) convolution."""

    operation: ClassVar[str]  # "transposed" | "conv", as in the size formula
    constraints = frozenset(CONSTRAINT_NAMES)  # every one

    # -- what differs between the two operations -------------------------------------------

    def _kernel_lead(self, c_in: int, c_out: int, groups: int) -> tuple[int, int]:
        """The kernel's two leading (channel) dimensions."""
        raise NotImplementedError

    def _run(self, params: GridParams) -> "np.ndarray":
        """The operation on params: (C_out, H_out, W_out)."""
        raise NotImplementedError

    def channel_pairs(self, params: GridParams) -> Iterator[tuple[int, int, Matrix]]:
        """(input channel, output channel, 2-D kernel slice) for every pair that contributes."""
        raise NotImplementedError

    def _what(self) -> str:
        raise NotImplementedError

    def _layout_words(self) -> str:
        raise NotImplementedError

    def _view(self, view: str, x: Matrix, w: Matrix, params: GridParams, suffix: str) -> Explanation | None:
        """One step view of one channel pair (None: not a view of this operation)."""
        raise NotImplementedError

    # -- spec -----------------------------------------------------------------------------

    def check_fields(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        """Literal matrices fix the channel counts: in_channels, out_channels and groups must agree; and
        the largest draw must be small enough to solve, store and print (see grid_limits)."""
        counts = {name: _fixed(fields[name]) for name in ("in_channels", "out_channels", "groups")}
        c_in, c_out, groups = counts["in_channels"], counts["out_channels"], counts["groups"]
        found: list[tuple[str, str]] = []
        if c_in is not None and c_out is not None and groups is not None and (c_in % groups or c_out % groups):
            found.append(("groups", f"must divide in_channels ({c_in}) and out_channels ({c_out}), got {groups}"))
        x, w = fields["input"], fields["kernel"]
        if x.fill == "literal":
            have = 1 if depth(x.literal) == 2 else len(x.literal)
            if depth(x.literal) == 4:
                found.append(("input", "a 4-D literal is not an input; write (H, W) or (C_in, H, W)"))
            elif c_in != have:
                what = "a 2-D literal (one channel)" if have == 1 else f"a 3-D literal with {have} channels"
                found.append(
                    (
                        "input",
                        f"is {what}, but in_channels is {_shown(fields['in_channels'])}; "
                        f"make them agree (in_channels: {have}) or draw the input with {{shape: ..., values: ...}}",
                    )
                )
        if w.fill == "literal":
            d = depth(w.literal)
            lead = None
            if c_in is not None and c_out is not None and groups is not None and not (c_in % groups or c_out % groups):
                lead = self._kernel_lead(c_in, c_out, groups)
            if d == 3:
                found.append(("kernel", f"a 3-D literal is not a kernel; write (kH, kW) or 4-D {self._layout_words()}"))
            elif d == 2 and (c_in, c_out, groups) != (1, 1, 1):
                found.append(
                    (
                        "kernel",
                        "is a 2-D literal (one channel's kernel), but "
                        f"{_channel_words(fields)} need a 4-D kernel {self._layout_words()}; "
                        "write it 4-D or draw it with {shape: ..., values: ...}",
                    )
                )
            elif d == 4 and (lead is None or (len(w.literal), len(w.literal[0])) != lead):
                want = f"{lead[0]}×{lead[1]}" if lead is not None else "fixed counts"
                found.append(
                    (
                        "kernel",
                        f"is a 4-D literal with leading dimensions {len(w.literal)}×{len(w.literal[0])}, "
                        f"but {_channel_words(fields)} need {want} {self._layout_words()}; make them agree",
                    )
                )
        if not found:  # the largest draw must be small enough to solve, store and print
            found.extend(grid_size_problems(fields, self.operation == "transposed"))
        return found

    # -- drawing and solving ---------------------------------------------------------------

    def draw(self, spec: "ProblemSpec", rng: "np.random.Generator") -> GridParams | None:
        """Draw input, kernel and parameters; None when the draw breaks a rule or a constraint."""
        field = spec.field
        stride = as_pair(draw_value(field("stride"), rng))
        padding = as_pair(draw_value(field("padding"), rng))
        dilation = as_pair(draw_value(field("dilation"), rng))
        groups = int(draw_value(field("groups"), rng))
        c_in = int(draw_value(field("in_channels"), rng))
        c_out = int(draw_value(field("out_channels"), rng))
        if c_in % groups or c_out % groups:
            return None
        single = c_in == 1 and c_out == 1 and groups == 1
        x = draw_matrix(field("input"), rng, () if single else (c_in,))
        w = draw_matrix(field("kernel"), rng, () if single else self._kernel_lead(c_in, c_out, groups))
        output_padding = (0, 0)
        if "output_padding" in self.fields:
            output_padding = as_pair(draw_value(field("output_padding"), rng))
        try:
            params = GridParams(
                input=blocks_of(x),
                kernel=_weight(w),
                stride=stride,
                padding=padding,
                output_padding=output_padding,
                dilation=dilation,
                groups=groups,
                ask_shape=bool(field("ask_shape")),
            )
            answer = self.solve(params)
        except ParameterError:
            return None
        if not self._meets_constraints(spec, params, answer):
            return None
        return params

    def _meets_constraints(self, spec: "ProblemSpec", params: GridParams, answer: Blocks) -> bool:
        c = spec.constraints
        if not size_ok(c, shape_of(answer)[0]):
            return False
        if not all(matrix_ok(matrix_of(k), c.nonzero_kernel, c.asymmetric_kernel) for k in _slices(params.kernel)):
            return False
        if c.overlap and not overlap_ok(params.kernel_size, params.stride, params.dilation):
            return False
        if c.nonzero_input and any(all(v == 0 for row in block for v in row) for block in params.input):
            return False
        if not answer_ok(c, answer):
            return False
        return not (c.distinct_from_mistakes and self.confusable(params, answer))

    def solve(self, params: GridParams) -> Blocks:
        """The output grid, one block per output channel (computed once per problem: layouts,
        explanations and grading all ask for it)."""
        return _solved(self, params)

    def single(self, params: GridParams) -> bool:
        """The single-channel shorthand."""
        return params.single

    def params_to_json(self, params: GridParams) -> dict[str, Any]:
        """input, kernel, stride, padding, [output_padding,] dilation, groups, [ask_shape]."""
        doc: dict[str, Any] = {
            "input": nested(params.input, params.single),
            "kernel": nested(params.kernel[0], True) if params.single else [nested(k, False) for k in params.kernel],
            "stride": pair_json(params.stride),
            "padding": pair_json(params.padding),
        }
        if "output_padding" in self.fields:
            doc["output_padding"] = pair_json(params.output_padding)
        doc["dilation"] = pair_json(params.dilation)
        doc["groups"] = params.groups
        if params.ask_shape:
            doc["ask_shape"] = True
        return doc

    def params_from_json(self, doc: dict[str, Any]) -> GridParams:
        """The record from key.json."""
        return GridParams(
            input=blocks_of(doc["input"]),
            kernel=_weight(doc["kernel"]),
            stride=as_pair(doc["stride"]),
            padding=as_pair(doc["padding"]),
            output_padding=as_pair(doc.get("output_padding", 0)),
            dilation=as_pair(doc["dilation"]),
            groups=int(doc["groups"]),
            ask_shape=bool(doc.get("ask_shape", False)),
        )

    # -- what the student sees -------------------------------------------------------------

    def describe_parameters(self, params: GridParams) -> str:
        """`stride 2, padding 1, output_padding 0` plus dilation/groups when they are not 1."""
        parts = [f"{name} {value}" for name, value in self.parameter_rows(params)]
        return ", ".join(parts)

    def parameter_rows(self, params: GridParams) -> tuple[tuple[str, str], ...]:
        """The parameters that matter, PyTorch names: (("stride", "2"), ...)."""
        rows = [("stride", fmt_pair(params.stride)), ("padding", fmt_pair(params.padding))]
        if "output_padding" in self.fields:
            rows.append(("output_padding", fmt_pair(params.output_padding)))
        if params.dilation != (1, 1):
            rows.append(("dilation", fmt_pair(params.dilation)))
        if params.groups != 1:
            rows.append(("groups", str(params.groups)))
        return tuple(rows)

    def statement(self, params: GridParams) -> str:
        """The task in words."""
        text = f"Compute the output of {self._what()} of the input with the kernel, {self.describe_parameters(params)}."
        if params.in_channels > 1 or params.groups != 1:
            text += f" The input has {params.in_channels} channels; the kernel is laid out as {self._layout_words()}."
        several = len(self.solve(params)) > 1
        if params.ask_shape:
            where = (
                "one grid per output channel, each into the top-left corner of its answer area,"
                if several
                else "the grid into the top-left corner of the answer area"
            )
            text += (
                f" The size of the output is part of the question: work it out, then write {where}"
                " and leave the boxes outside it empty."
            )
        else:
            text += " Write one output grid per output channel." if several else " Write the whole output grid."
        return text

    def layout(self, params: GridParams) -> AnswerLayout:
        """One block per output channel, shaped like the output (hidden when the size is asked too)."""
        blocks = shape_of(self.solve(params))
        titles = tuple(f"output channel {c}" for c in range(len(blocks))) if len(blocks) > 1 else ()
        layout = AnswerLayout(blocks=blocks, block_titles=titles)
        if not params.ask_shape:
            return layout
        return dataclasses.replace(layout, reveal_shape=False, canvas=hidden_canvas(blocks))

    def box_by_box(self, params: GridParams) -> BoxByBoxForm | None:
        """An LMS shows the boxes, so a problem that asks for the size too is asked with the size given."""
        if not params.ask_shape:
            return None
        shown = dataclasses.replace(params, ask_shape=False)
        return BoxByBoxForm(self.statement(shown), self.layout(shown), self.solve(params))

    def givens(self, params: GridParams) -> Givens:
        """The input channels, the kernel slices (captioned with the channels they connect), the parameters."""
        grids = [
            GivenGrid(x, "input" if params.in_channels == 1 else f"input channel {c}")
            for c, x in enumerate(params.input)
        ]
        if params.single:
            grids.append(GivenGrid(params.kernel[0][0], "kernel"))
        else:
            # channel_pairs lists the slices in the kernel's own order
            grids += [GivenGrid(w, f"kernel: in {ci} \u2192 out {co}") for ci, co, w in self.channel_pairs(params)]
        return Givens(grids=tuple(grids), parameters=self.parameter_rows(params))

    # -- explanations ----------------------------------------------------------------------

    def shape_steps(self, params: GridParams) -> tuple[ShapeStep, ...]:
        """The output-size formula for H and W with this problem's numbers."""
        out = shape_of(self.solve(params))[0]
        return size_formula_steps(
            self.operation,
            params.input_size,
            params.kernel_size,
            params.stride,
            params.padding,
            params.dilation,
            params.output_padding,
            out,
        )

    def explain(self, params: GridParams, views: tuple[str, ...]) -> tuple[Explanation, ...]:
        """The shape formula, then each requested view for every (input, output) channel pair, then
        (several input channels) each output channel as the sum of its input channels' parts."""
        out: list[Explanation] = [Explanation("formula", "Output size", self.shape_steps(params))]
        pairs = list(self.channel_pairs(params))
        feeding = Counter(co for _, co, _ in pairs)  # output channel -> how many input channels feed it
        fits = matrix_fits(params.input_size, shape_of(self.solve(params))[0])
        for view in views:
            for ci, co, w in pairs:
                suffix = "" if params.single else f" (input channel {ci} \u2192 output channel {co})"
                if view == "matrix" and not fits:
                    note = "The matrix view is left out: the matrix would be too large to print."
                    out.append(Explanation("text", "Matrix view" + suffix, note))
                    continue
                explanation = self._view(view, params.input[ci], w, params, suffix)
                if explanation is None:
                    continue
                if feeding[co] > 1:
                    explanation = dataclasses.replace(
                        explanation, result=f"input channel {ci}\u2019s part of output channel {co}"
                    )
                elif not params.single:
                    explanation = dataclasses.replace(explanation, result=f"output channel {co}")
                out.append(explanation)
        out += [
            Explanation("channel_sum", f"Output channel {total.out_channel}: the sum of its input channels", total)
            for total in self.channel_sums(params)
            if len(total.parts) > 1
        ]
        return tuple(out)

    def channel_sums(self, params: GridParams) -> tuple[ChannelSum, ...]:
        """Every output channel as the cell-by-cell sum of what each input channel adds to it (each part
        computed on its own, as a single-channel problem)."""
        answer = self.solve(params)
        parts: dict[int, list[ChannelPart]] = {co: [] for co in range(len(answer))}
        for ci, co, w in self.channel_pairs(params):
            alone = dataclasses.replace(params, input=(params.input[ci],), kernel=((w,),), groups=1)
            parts[co].append(ChannelPart(ci, self.solve(alone)[0]))
        return tuple(ChannelSum(co, tuple(parts[co]), answer[co]) for co in range(len(answer)))

    def view_args(self, params: GridParams) -> dict[str, Any]:
        """The step views' keyword arguments."""
        return {"stride": params.stride, "padding": params.padding, "dilation": params.dilation}


def _fixed(draw: Any) -> int | None:
    """The value of a fixed int field; None when it is drawn."""
    return int(draw.values[0]) if draw.kind == "fixed" else None


def _shown(draw: Any) -> str:
    """A count field as the spec gives it: `2`, or `drawn` for a choice or range."""
    value = _fixed(draw)
    return "drawn" if value is None else str(value)


def _channel_words(fields: dict[str, Any]) -> str:
    """`in_channels 2, out_channels 3` (and groups when not 1)."""
    words = [f"in_channels {_shown(fields['in_channels'])}", f"out_channels {_shown(fields['out_channels'])}"]
    if _fixed(fields["groups"]) != 1:
        words.append(f"groups {_shown(fields['groups'])}")
    return ", ".join(words)


def _weight(w: Any) -> Weight:
    """A 2-D (single-channel) or 4-D kernel as a 4-D tuple."""
    if not isinstance(w[0][0], (list, tuple)):
        return ((matrix_of(w),),)
    return tuple(tuple(matrix_of(k) for k in outer) for outer in w)


def _slices(kernel: Weight) -> Iterator[Matrix]:
    for outer in kernel:
        yield from outer
