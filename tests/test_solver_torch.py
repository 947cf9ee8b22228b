"""Cross-check with PyTorch itself when it is installed (it is not a dependency; skipped otherwise)."""

from __future__ import annotations

import numpy as np
import pytest

from exercisegen.errors import ParameterError
from exercisegen.solver import conv2d, conv_transpose2d

torch = pytest.importorskip("torch")


def test_random_cases_match_torch_and_errors_coincide():
    rng = np.random.default_rng(1)
    compared = 0
    for _ in range(800):
        g = int(rng.choice([1, 1, 2]))
        c_in, c_out = g * int(rng.integers(1, 3)), g * int(rng.integers(1, 3))
        h, w, kh, kw = (int(v) for v in rng.integers(1, 6, 4))
        s = tuple(int(v) for v in rng.integers(1, 4, 2))
        d = tuple(int(v) for v in rng.integers(1, 3, 2))
        p = tuple(int(v) for v in rng.integers(0, 3, 2))
        op = tuple(int(v) for v in rng.integers(0, 3, 2))
        x = rng.integers(-5, 6, (c_in, h, w))
        wt = rng.integers(-3, 4, (c_in, c_out // g, kh, kw))
        tx = torch.tensor(x[None], dtype=torch.float64)
        try:
            ref = torch.nn.functional.conv_transpose2d(
                tx, torch.tensor(wt, dtype=torch.float64), stride=s, padding=p, output_padding=op, dilation=d, groups=g
            )[0].numpy()
        except RuntimeError:
            with pytest.raises(ParameterError):
                conv_transpose2d(x, wt, stride=s, padding=p, output_padding=op, dilation=d, groups=g)
            continue
        got = conv_transpose2d(x, wt, stride=s, padding=p, output_padding=op, dilation=d, groups=g)
        assert np.array_equal(got, ref)
        wc = rng.integers(-3, 4, (c_out, c_in // g, kh, kw))
        try:
            ref = torch.nn.functional.conv2d(
                tx, torch.tensor(wc, dtype=torch.float64), stride=s, padding=p, dilation=d, groups=g
            )[0].numpy()
        except RuntimeError:
            with pytest.raises(ParameterError):
                conv2d(x, wc, stride=s, padding=p, dilation=d, groups=g)
            continue
        assert np.array_equal(conv2d(x, wc, stride=s, padding=p, dilation=d, groups=g), ref)
        compared += 1
    assert compared > 100
