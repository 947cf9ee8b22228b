"""Problem type `conv`: compute the output of an ordinary convolution (review)."""

from __future__ import annotations

from exercisegen.fields import Field, channels_field, dilation_field, padding_field, stride_field

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
}
VIEWS = ("window",)
DEFAULT_VIEWS = ("window",)
