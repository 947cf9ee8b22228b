"""Problem types `transposed_conv_1d` and `conv_1d`: the 2-D grid types on a single row (warm-ups).

A 1-D problem *is* a 2-D grid problem whose input, kernel and output are one row high: the record is
`GridParams` with H = 1 (stride, padding, output_padding and dilation are (1, s), (0, p), (0, op),
(1, d)), so solving, the step views (drawn as strips), marking and every modelled mistake are the
2-D types' own. This module only changes what a spec says (`length` and `kernel_size` as ints,
values drawn for them), how key.json writes the record, and the wording.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from exercisegen.errors import ParameterError
from exercisegen.explanations import Explanation, ShapeStep, size_formula_steps
from exercisegen.fields import MAX_SIZE, Field, dilation_field, output_padding_field, padding_field, stride_field
from exercisegen.problems.base import AnswerLayout, Blocks, matrix_of, shape_of
from exercisegen.problems.conv import Conv
from exercisegen.problems.drawing import draw_matrix, draw_value, hidden_canvas
from exercisegen.problems.grid import GridParams, GridType
from exercisegen.problems.transposed_conv import TransposedConv
from exercisegen.spec_model import MatrixSpec

if TYPE_CHECKING:
    import numpy as np

    from exercisegen.spec_model import ProblemSpec


def one_d_fields(transposed: bool) -> dict[str, Field]:
    """The spec fields of a 1-D problem, in key.json order."""
    fields = {
        "length": Field(
            "int",
            minimum=1,
            maximum=MAX_SIZE,
            help="length of the input row (required unless `input` is a literal row)",
        ),
        "kernel_size": Field(
            "int",
            minimum=1,
            maximum=MAX_SIZE,
            help="length of the kernel row (required unless `kernel` is a literal row)",
        ),
        "input": Field(
            "matrix",
            default={"values": {"int": [-2, 3]}},
            shape_derived=True,
            help="the input row's values ({values: ...}, `length` long), or a literal row [[1, 2, 3]]",
        ),
        "kernel": Field(
            "matrix",
            default={"values": {"int": [-1, 2]}},
            shape_derived=True,
            help="the kernel row's values ({values: ...}, `kernel_size` long), or a literal row [[1, 2, 1]]",
        ),
        "stride": stride_field("int"),
        "padding": padding_field("int"),
    }
    if transposed:
        fields["output_padding"] = output_padding_field("int")
    fields |= {
        "dilation": dilation_field("int"),
        "ask_shape": Field("bool", default=False, help="the student works out the output length too"),
    }
    return fields


class OneD(GridType):
    """What both 1-D types change about their 2-D type (listed first among the bases)."""

    def check_fields(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        """A row is given either by its length (values drawn) or as a literal one-row list, not both."""
        errors = []
        for row, size in (("input", "length"), ("kernel", "kernel_size")):
            spec: MatrixSpec = fields[row]
            literal = spec.fill == "literal"
            if literal and (len(spec.literal or ()) != 1 or not isinstance(spec.literal[0][0], (int, float))):  # type: ignore[index]
                errors.append((row, "must be one row, written [[1, 2, 3]]"))
            elif literal and fields[size] is not None:
                errors.append((size, f"give either {size} or a literal {row} row, not both"))
            elif not literal and fields[size] is None:
                errors.append((size, f"required field missing (or give {row} as a literal row [[1, 2, 3]])"))
            elif not literal and spec.shape is not None:
                errors.append((row, f"the row's length is `{size}`: give only values"))
        return errors

    def draw(self, spec: "ProblemSpec", rng: "np.random.Generator") -> GridParams | None:
        """Draw the rows and the parameters (as ints), then check the constraints."""
        field = spec.field
        rows = []
        for row, size in (("input", "length"), ("kernel", "kernel_size")):
            length = 0 if field(size) is None else int(draw_value(field(size), rng))
            rows.append(matrix_of(draw_matrix(field(row), rng, shape=(1, length))))
        stride = int(draw_value(field("stride"), rng))
        padding = int(draw_value(field("padding"), rng))
        dilation = int(draw_value(field("dilation"), rng))
        output_padding = int(draw_value(field("output_padding"), rng)) if "output_padding" in self.fields else 0
        params = GridParams(
            input=(rows[0],),
            kernel=((rows[1],),),
            stride=(1, stride),
            padding=(0, padding),
            output_padding=(0, output_padding),
            dilation=(1, dilation),
            groups=1,
            ask_shape=bool(field("ask_shape")),
        )
        try:
            answer = self.solve(params)
        except ParameterError:
            return None
        return params if self._meets_constraints(spec, params, answer) else None

    def _meets_constraints(self, spec: "ProblemSpec", params: GridParams, answer: Blocks) -> bool:
        # `overlap` is about the row only: the 2-D check would also ask it of the one-row height
        c = spec.constraints
        k, s, d = params.kernel_size[1], params.stride[1], params.dilation[1]
        if c.overlap and d * (k - 1) + 1 <= s:
            return False
        plain = dataclasses.replace(spec, constraints=dataclasses.replace(c, overlap=False))
        return super()._meets_constraints(plain, params, answer)

    def params_to_json(self, params: GridParams) -> dict[str, Any]:
        """length and kernel_size (as drawn), input and kernel as flat lists, the parameters as ints."""
        doc: dict[str, Any] = {
            "length": params.input_size[1],
            "kernel_size": params.kernel_size[1],
            "input": list(params.input[0][0]),
            "kernel": list(params.kernel[0][0][0]),
            "stride": params.stride[1],
            "padding": params.padding[1],
        }
        if "output_padding" in self.fields:
            doc["output_padding"] = params.output_padding[1]
        doc["dilation"] = params.dilation[1]
        if params.ask_shape:
            doc["ask_shape"] = True
        return doc

    def params_from_json(self, doc: dict[str, Any]) -> GridParams:
        """The record (H = 1) from key.json."""
        return GridParams(
            input=((_row(doc["input"]),),),
            kernel=(((_row(doc["kernel"]),),),),
            stride=(1, int(doc["stride"])),
            padding=(0, int(doc["padding"])),
            output_padding=(0, int(doc.get("output_padding", 0))),
            dilation=(1, int(doc["dilation"])),
            groups=1,
            ask_shape=bool(doc.get("ask_shape", False)),
        )

    def parameter_rows(self, params: GridParams) -> tuple[tuple[str, str], ...]:
        """The parameters that matter, as ints."""
        rows = [("stride", str(params.stride[1])), ("padding", str(params.padding[1]))]
        if "output_padding" in self.fields:
            rows.append(("output_padding", str(params.output_padding[1])))
        if params.dilation[1] != 1:
            rows.append(("dilation", str(params.dilation[1])))
        return tuple(rows)

    def statement(self, params: GridParams) -> str:
        """The task in words."""
        text = f"Compute the output of {self._what()} of the input row with the kernel row, "
        text += self.describe_parameters(params) + "."
        if params.ask_shape:
            return text + (
                " The length of the output is part of the question: work it out, then write the row into the"
                " leftmost boxes and leave the others empty."
            )
        return text + " Write the whole output row."

    def layout(self, params: GridParams) -> AnswerLayout:
        """One row of boxes (hidden length when the size is asked too)."""
        blocks = shape_of(self.solve(params))
        if not params.ask_shape:
            return AnswerLayout(blocks=blocks)
        return AnswerLayout(blocks=blocks, reveal_shape=False, canvas=(1, hidden_canvas(blocks)[1]))

    def shape_steps(self, params: GridParams) -> tuple[ShapeStep, ...]:
        """The output-length formula with this problem's numbers."""
        out = shape_of(self.solve(params))[0]
        return size_formula_steps(
            self.operation,
            params.input_size[1:],
            params.kernel_size[1:],
            params.stride[1:],
            params.padding[1:],
            params.dilation[1:],
            params.output_padding[1:],
            out[1:],
            directions=("L",),
        )

    def explain(self, params: GridParams, views: tuple[str, ...]) -> tuple[Explanation, ...]:
        """The 2-D type's views (one-row strips), the length formula first."""
        steps = super().explain(params, views)
        return (Explanation("formula", "Output length", self.shape_steps(params)), *steps[1:])


def _row(value: Any) -> tuple[Any, ...]:
    """A non-empty flat list of numbers from key.json (ValueError otherwise)."""
    if not isinstance(value, list) or not value or not all(isinstance(v, (int, float)) for v in value):
        raise ValueError("input and kernel must be non-empty flat lists of numbers")
    return tuple(value)


class TransposedConv1d(OneD, TransposedConv):
    """conv_transpose1d: the scatter / crop, gather and matrix views on one row."""

    name = "transposed_conv_1d"
    fields = one_d_fields(transposed=True)

    def _what(self) -> str:
        return "the 1-D transposed convolution (PyTorch's conv_transpose1d)"

    def describe_answer(self, params: GridParams) -> str:
        """For the answer sheet."""
        return "output row of the transposed convolution"


class Conv1d(OneD, Conv):
    """conv1d (a cross-correlation) window by window on one row."""

    name = "conv_1d"
    fields = one_d_fields(transposed=False)

    def _what(self) -> str:
        return "the 1-D convolution (PyTorch's conv1d: a cross-correlation, the kernel is not flipped)"

    def describe_answer(self, params: GridParams) -> str:
        """For the answer sheet."""
        return "output row of the convolution"
