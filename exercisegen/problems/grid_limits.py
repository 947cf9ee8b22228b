"""The largest grid problem a spec can draw, checked at validation so that no draw is too big to
solve, store or print: the output and the work of one draw are bounded before anything is drawn."""

from __future__ import annotations

from typing import Any

from exercisegen.spec_model import Draw, MatrixSpec

MAX_OUTPUT_CELLS = 4096  # numbers in one answer (e.g. 16 channels of 16x16, or one 64x64 grid)
MAX_WORK = 2**22  # multiply-adds of one draw: C_in x C_out x H x W x kH x kW (about 0.05 s)


def _high(draw: Any) -> tuple[int, int]:
    """The largest (height, width) of an int or pair draw (an int is both)."""
    if draw is None:
        return (1, 1)
    assert isinstance(draw, Draw)
    values = draw.values if draw.kind != "range" else (draw.values[1],)
    pairs = [v if isinstance(v, tuple) else (v, v) for v in values]
    return (max(p[0] for p in pairs), max(p[1] for p in pairs))


def _low(draw: Any) -> tuple[int, int]:
    """The smallest (height, width) of an int or pair draw."""
    if draw is None:
        return (0, 0)
    values = draw.values if draw.kind != "range" else (draw.values[0],)
    pairs = [v if isinstance(v, tuple) else (v, v) for v in values]
    return (min(p[0] for p in pairs), min(p[1] for p in pairs))


def _matrix_high(spec: MatrixSpec) -> tuple[tuple[int, ...], tuple[int, int]]:
    """(leading dimensions, largest (H, W)) of a matrix field; no leading dimensions when drawn."""
    if spec.fill == "literal":
        shape = []
        value: Any = spec.literal
        while isinstance(value, tuple):
            shape.append(len(value))
            value = value[0]
        return tuple(shape[:-2]), (shape[-2], shape[-1])
    if isinstance(spec.shape, tuple):
        return (), (_high(spec.shape[0])[0], _high(spec.shape[1])[0])
    return (), _high(spec.shape)


def grid_size_problems(fields: dict[str, Any], transposed: bool) -> list[tuple[str, str]]:
    """(field, message) when the largest draw's output or work exceeds the limits; else []."""
    x_lead, (h, w) = _matrix_high(fields["input"])
    w_lead, (kh, kw) = _matrix_high(fields["kernel"])
    c_in = max([_high(fields.get("in_channels"))[0], *x_lead[:1], *w_lead[1:2]])
    c_out = max([_high(fields.get("out_channels"))[0], *w_lead[:1]])
    s, d = _high(fields.get("stride")), _high(fields.get("dilation"))
    p_low, p_high, op = _low(fields.get("padding")), _high(fields.get("padding")), _high(fields.get("output_padding"))
    if transposed:  # (H - 1)·s − 2p + d·(k − 1) + output_padding + 1
        sizes = ((h, kh), (w, kw))
        out = [(n - 1) * s[i] - 2 * p_low[i] + d[i] * (k - 1) + op[i] + 1 for i, (n, k) in enumerate(sizes)]
    else:  # at most H + 2p (stride 1, a 1x1 kernel)
        out = [n + 2 * p_high[i] for i, n in enumerate((h, w))]
    cells = c_out * max(out[0], 1) * max(out[1], 1)
    problems = []
    if cells > MAX_OUTPUT_CELLS:
        problems.append(
            (
                "input",
                f"the largest draw has an output of {c_out}x{out[0]}x{out[1]} = {cells} numbers; at most "
                f"{MAX_OUTPUT_CELLS} are allowed: make the sizes, strides, dilations or channels smaller",
            )
        )
    work = c_in * c_out * h * w * kh * kw
    if work > MAX_WORK:
        problems.append(
            (
                "kernel",
                f"the largest draw needs {work} multiply-adds (C_in x C_out x H x W x kH x kW); at most "
                f"{MAX_WORK} are allowed: make the input, the kernel or the channels smaller",
            )
        )
    return problems
