"""Problem type `conv_matrix`: write the matrix C of a small convolution, or compute Cᵀ·x with it."""

from __future__ import annotations

from exercisegen.fields import Field, padding_field, stride_field

NAME = "conv_matrix"
FIELDS: dict[str, Field] = {
    "task": Field("word", default="matrix", options=("matrix", "transpose_product")),
    "input_size": Field("pair", required=True, minimum=1),
    "kernel": Field("matrix", required=True),
    "stride": stride_field(),
    "padding": padding_field(),
    # for task transpose_product: the vector x (shaped like the conv output, so its shape is derived)
    "vector": Field("matrix", default={"values": {"int": [-2, 3]}}, shape_derived=True),
}
VIEWS = ("matrix",)
DEFAULT_VIEWS = ("matrix",)
