"""The problem types by name. Adding a type = one module in this package plus one line here."""

from __future__ import annotations

from typing import Any

from exercisegen.problems.as_convolution import AsConvolution
from exercisegen.problems.base import Mistake, ProblemType
from exercisegen.problems.choice import Choice
from exercisegen.problems.conv import Conv
from exercisegen.problems.conv_gradient import ConvGradient
from exercisegen.problems.conv_matrix import ConvMatrix
from exercisegen.problems.design import Design
from exercisegen.problems.layer_code import LayerCode
from exercisegen.problems.network_shapes import NetworkShapes
from exercisegen.problems.one_d import Conv1d, TransposedConv1d
from exercisegen.problems.output_shape import OutputShape
from exercisegen.problems.overlap_map import OverlapMap
from exercisegen.problems.transposed_conv import TransposedConv

TYPES: dict[str, ProblemType[Any]] = {
    t.name: t
    for t in (
        TransposedConv(),
        Conv(),
        OutputShape(),
        Design(),
        ConvMatrix(),
        TransposedConv1d(),
        Conv1d(),
        ConvGradient(),
        AsConvolution(),
        OverlapMap(),
        LayerCode(),
        NetworkShapes(),
        Choice(),
    )
}

TYPE_NAMES: tuple[str, ...] = tuple(TYPES)


def problem_type(name: str) -> ProblemType[Any]:
    """The problem type called `name` (KeyError if there is none)."""
    return TYPES[name]


def mistake_named(name: str) -> Mistake[Any]:
    """The modelled mistake called `name`, of whichever type (KeyError if none has it)."""
    for kind in TYPES.values():
        for rule in kind.mistakes:
            if rule.name == name:
                return rule
    raise KeyError(name)
