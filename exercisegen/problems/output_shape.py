"""Problem type `output_shape`: give only the output size (H_out, W_out) of either operation."""

from __future__ import annotations

from exercisegen.fields import Field, dilation_field, output_padding_field, padding_field, stride_field

NAME = "output_shape"
FIELDS: dict[str, Field] = {
    "operation": Field("word", default="transposed", options=("transposed", "conv")),
    "input_size": Field("pair", required=True, minimum=1),
    "kernel_size": Field("pair", required=True, minimum=1),
    "stride": stride_field(),
    "padding": padding_field(),
    "output_padding": output_padding_field(),
    "dilation": dilation_field(),
}
VIEWS = ("formula",)
DEFAULT_VIEWS = ("formula",)
