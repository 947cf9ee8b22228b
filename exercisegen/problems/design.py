"""Problem type `design`: choose stride, padding, output_padding (and optionally the kernel size)
so that a transposed convolution maps a given input size to a given output size."""

from __future__ import annotations

from exercisegen.fields import Field, dilation_field, output_padding_field, padding_field, stride_field

NAME = "design"
FIELDS: dict[str, Field] = {
    # The target output size is computed from a hidden, drawn (stride, padding, output_padding);
    # any choice that reaches it is accepted.
    "input_size": Field("int", required=True, minimum=1),
    "kernel_size": Field("int", required=True, minimum=1),
    "stride": stride_field(),
    "padding": padding_field(),
    "output_padding": output_padding_field(),
    "dilation": Field("int", default=1, minimum=1),
    "choose_kernel": Field("bool", default=False, help="the student also picks the kernel size"),
}
VIEWS = ("formula",)
DEFAULT_VIEWS = ("formula",)
