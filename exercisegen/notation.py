"""How numbers, products and formulas are written: one place shared by the text and PDF output.

Negative numbers use the unicode minus (−), products the middle dot (·), as the slides do.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Sequence, Union

Number = Union[int, float]

MINUS = "\u2212"
DOT = "\u00b7"
TIMES = "\u00d7"


def fmt_number(value: Number) -> str:
    """`-3` -> `−3`; floats without a needless `.0`; at most 6 significant digits."""
    if isinstance(value, float):
        if value.is_integer():
            value = int(value)
        else:
            text = f"{value:.6g}"
            return text.replace("-", MINUS)
    text = str(value)
    return text.replace("-", MINUS)


def fmt_factor(value: Number) -> str:
    """A number as a factor in a product: negatives in parentheses, `(−1)`."""
    text = fmt_number(value)
    return f"({text})" if text.startswith(MINUS) else text


def fmt_terms(terms: Sequence[tuple[Number, Number]], short: bool) -> str:
    """The sum of products in a cell: `2·3 + 1·(−1)`, or the slides' `1+2+3+4` when `short`
    (all-ones kernel: only the input values are written)."""
    if short:
        return "+".join(fmt_factor(x) for x, _ in terms)
    return " + ".join(f"{fmt_factor(x)}{DOT}{fmt_factor(w)}" for x, w in terms)


def one_line(text: str) -> str:
    """Whitespace runs (newlines included) as single spaces."""
    return " ".join(text.split())


def count(n: int, noun: str) -> str:
    """`1 row`, `3 rows`."""
    return f"{n} {noun}" + ("" if n == 1 else "s")


def fmt_pair(value: Sequence[int] | int) -> str:
    """`(2, 1)` for a pair, `2` when both directions agree."""
    if isinstance(value, int):
        return str(value)
    h, w = value
    return str(h) if h == w else f"({h}, {w})"


def parse_number(text: str) -> Number:
    """Read a number as students write it: `-3`, `−3`, `+2`, `1.5`, `3/2`; ValueError if unreadable."""
    cleaned = text.strip().replace(MINUS, "-").replace("\u2013", "-")
    if not cleaned or len(cleaned) > 40:
        raise ValueError(f"not a number: {text!r}")
    if "/" in cleaned:
        num, _, den = cleaned.partition("/")
        if int(den.strip()) == 0:
            raise ValueError(f"division by zero: {text!r}")
        frac = Fraction(int(num.strip()), int(den.strip()))
        return int(frac) if frac.denominator == 1 else float(frac)
    try:
        return int(cleaned)
    except ValueError:
        pass
    value = float(cleaned)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"not a finite number: {text!r}")
    return value


def parse_matrix(text: str, name: str) -> list[list[Number]]:
    """Read `"1 2; 3 4"` (rows separated by `;` or newlines, numbers by spaces or commas)."""
    from exercisegen.errors import MatrixSyntaxError

    rows = [r for r in text.replace("\n", ";").split(";")]
    if rows and not rows[-1].strip():
        rows = rows[:-1]
    matrix: list[list[Number]] = []
    for r, row in enumerate(rows, start=1):
        cells = row.replace(",", " ").split()
        if not cells:
            raise MatrixSyntaxError(f"{name}: row {r} is empty; write rows like \"1 2; 3 4\"")
        values = []
        for cell in cells:
            try:
                values.append(parse_number(cell))
            except ValueError:
                raise MatrixSyntaxError(
                    f"{name}: row {r}: {cell!r} is not a number; write rows like \"1 2; 3 4\""
                ) from None
        if matrix and len(values) != len(matrix[0]):
            raise MatrixSyntaxError(
                f"{name}: row {r} has {len(values)} numbers but row 1 has {len(matrix[0])}; "
                "every row needs the same count"
            )
        matrix.append(values)
    if not matrix:
        raise MatrixSyntaxError(f"{name}: no numbers; write rows like \"1 2; 3 4\"")
    return matrix


def shape_formula(
    operation: str,
    size: int,
    kernel: int,
    stride: int,
    padding: int,
    dilation: int,
    output_padding: int,
    result: int,
) -> str:
    """The output-size formula filled in, e.g. `(2−1)·2 − 2·1 + 1·(3−1) + 0 + 1 = 3`."""
    if operation == "transposed":
        return (
            f"({size}{MINUS}1){DOT}{stride} {MINUS} 2{DOT}{padding} + {dilation}{DOT}({kernel}{MINUS}1)"
            f" + {output_padding} + 1 = {fmt_number(result)}"
        )
    return (
        f"\u230a({size} + 2{DOT}{padding} {MINUS} {dilation}{DOT}({kernel}{MINUS}1) {MINUS} 1) / {stride}\u230b"
        f" + 1 = {fmt_number(result)}"
    )


def shape_formula_symbols(operation: str) -> str:
    """The output-size formula in symbols."""
    if operation == "transposed":
        return f"(i{MINUS}1){DOT}s {MINUS} 2p + d{DOT}(k{MINUS}1) + output_padding + 1"
    return f"\u230a(i + 2p {MINUS} d{DOT}(k{MINUS}1) {MINUS} 1) / s\u230b + 1"
