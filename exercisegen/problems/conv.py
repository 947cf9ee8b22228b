"""Problem type `conv`: compute the output of an ordinary convolution (review)."""

from __future__ import annotations

from typing import Any

from exercisegen.fields import Field, channels_field, dilation_field, padding_field, stride_field
from exercisegen.problems import AnswerLayout, Explanation, _compute

NAME = "conv"
FIELDS: dict[str, Field] = {
    "input": Field("matrix", required=True),
    "kernel": Field("matrix", required=True),
    "stride": stride_field(),
    "padding": padding_field(),
    "dilation": dilation_field(),
    "groups": channels_field(),
    "in_channels": channels_field(),
    "out_channels": channels_field(),
    "ask_shape": Field("bool", default=False, help="the student works out the output size too"),
}
VIEWS = ("window",)
DEFAULT_VIEWS = ("window",)


def draw(spec: Any, rng: Any) -> dict[str, Any] | None:
    """Draw input, kernel and parameters; None when the draw is rejected."""
    return _compute.draw(spec, rng, transposed=False)


def solve(params: dict[str, Any]) -> list[Any]:
    """The output grid."""
    return _compute.solve(params, transposed=False)


def statement(params: dict[str, Any]) -> str:
    """The task in words."""
    return _compute.statement(params, transposed=False)


def answer_layout(params: dict[str, Any]) -> AnswerLayout:
    """One block per output channel."""
    return _compute.answer_layout(params, transposed=False)


def explain(params: dict[str, Any], views: tuple[str, ...]) -> tuple[Explanation, ...]:
    """Shape formula and the requested views."""
    return _compute.explain(params, views, transposed=False)


def mark(params: dict[str, Any], answer: list[Any], submitted: Any, atol: float, rtol: float) -> Any:
    """Cell by cell against the key."""
    return _compute.mark(params, answer, submitted, atol, rtol)
