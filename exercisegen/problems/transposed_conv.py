"""Problem type `transposed_conv`: compute the output of a transposed convolution."""

from __future__ import annotations

from exercisegen.fields import (
    Field,
    channels_field,
    dilation_field,
    output_padding_field,
    padding_field,
    stride_field,
)

NAME = "transposed_conv"
FIELDS: dict[str, Field] = {
    "input": Field("matrix", required=True),
    "kernel": Field("matrix", required=True),
    "stride": stride_field(),
    "padding": padding_field(),
    "output_padding": output_padding_field(),
    "dilation": dilation_field(),
    "groups": channels_field(),
    "in_channels": channels_field(),
    "out_channels": channels_field(),
}
VIEWS = ("scatter", "gather", "matrix")
DEFAULT_VIEWS = ("scatter",)
