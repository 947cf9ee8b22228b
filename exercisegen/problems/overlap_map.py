"""Problem type `overlap_map`: how many kernel stamps of a transposed convolution land on each output
cell (the checkerboard pattern), optionally for two settings and which of them covers evenly.

The map is the transposed convolution of an all-ones input with an all-ones kernel. Far from the border
a cell at position x (per direction) gets #{a : a·d ≡ x (mod s)} stamps, so the interior is even
exactly when that count is the same for every x — with dilation 1, when the stride divides the kernel size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from exercisegen.errors import ParameterError
from exercisegen.explanations import Explanation
from exercisegen.fields import MAX_SIZE, Field, dilation_field, padding_field, stride_field
from exercisegen.notation import fmt_pair
from exercisegen.problems.base import (
    AnswerLayout,
    Blocks,
    Givens,
    Mistake,
    Pair,
    ProblemType,
    as_pair,
    blocks_from_array,
    matrix_of,
    pair_json,
    shape_of,
)
from exercisegen.problems.drawing import draw_pair, size_ok

if TYPE_CHECKING:
    import numpy as np

    from exercisegen.spec_model import ProblemSpec

CHOICE_WORDS = "1 or 2 for the setting that covers evenly, 3 if both do, 0 if neither"


@dataclass(frozen=True)
class Setting:
    """One transposed convolution's kernel size and stride (input size, padding and dilation are shared)."""

    kernel_size: Pair
    stride: Pair


@dataclass(frozen=True)
class OverlapParams:
    """The input size, padding, dilation and one or two settings to map."""

    input_size: Pair
    padding: Pair
    dilation: Pair
    settings: tuple[Setting, ...]  # one, or two to compare


class OverlapMap(ProblemType[OverlapParams]):
    """Stamps per output cell of a transposed convolution; with a second setting, which covers evenly."""

    name = "overlap_map"
    fields = {
        "input_size": Field(
            "pair", default=3, minimum=1, help="the input's height and width (every element stamps once)"
        ),
        "kernel_size": Field("pair", required=True, minimum=1, maximum=MAX_SIZE, help="the kernel's height and width"),
        "stride": stride_field(),
        "padding": padding_field(),
        "dilation": dilation_field(),
        "compare_kernel_size": Field(
            "pair",
            minimum=1,
            help="a second setting's kernel size: the student maps both and says which covers evenly",
        ),
        "compare_stride": Field(
            "pair", minimum=1, help="a second setting's stride (default: the first's when compare_kernel_size is given)"
        ),
    }
    views = ("overlap",)
    default_views = ("overlap",)
    constraints = frozenset(("max_output_size", "min_output_size", "distinct_from_mistakes"))

    # -- drawing and solving ---------------------------------------------------------------

    def draw(self, spec: "ProblemSpec", rng: "np.random.Generator") -> OverlapParams | None:
        """Draw the sizes and settings; None when a map would be empty or a constraint fails."""
        field = spec.field
        size, padding = draw_pair(field("input_size"), rng), draw_pair(field("padding"), rng)
        dilation = draw_pair(field("dilation"), rng)
        first = Setting(draw_pair(field("kernel_size"), rng), draw_pair(field("stride"), rng))
        settings = [first]
        k2_draw, s2_draw = field("compare_kernel_size"), field("compare_stride")
        if k2_draw is not None or s2_draw is not None:
            k2 = first.kernel_size if k2_draw is None else draw_pair(k2_draw, rng)
            s2 = first.stride if s2_draw is None else draw_pair(s2_draw, rng)
            settings.append(Setting(k2, s2))
        params = OverlapParams(size, padding, dilation, tuple(settings))
        if len(settings) == 2 and settings[0] == settings[1]:
            return None
        try:
            answer = self.solve(params)
        except ParameterError:
            return None
        c = spec.constraints
        if not all(size_ok(c, shape) for shape in shape_of(answer[: len(settings)])):
            return None
        if c.distinct_from_mistakes and self.confusable(params, answer):
            return None
        return params

    def solve(self, params: OverlapParams) -> Blocks:
        """One map per setting, and for two settings the choice (1, 2, 3 = both, 0 = neither) as a 1×1 grid."""
        maps = tuple(_counts(params, s) for s in params.settings)
        if len(maps) == 1:
            return maps
        return (*maps, ((_choice(params),),))

    def single(self, params: OverlapParams) -> bool:
        """One map: a 2-D grid; two settings: a list of grids."""
        return len(params.settings) == 1

    def params_to_json(self, params: OverlapParams) -> dict[str, Any]:
        """input_size, padding, dilation, kernel_size, stride [, compare_kernel_size, compare_stride]."""
        first = params.settings[0]
        doc: dict[str, Any] = {
            "input_size": pair_json(params.input_size),
            "padding": pair_json(params.padding),
            "dilation": pair_json(params.dilation),
            "kernel_size": pair_json(first.kernel_size),
            "stride": pair_json(first.stride),
        }
        if len(params.settings) == 2:
            doc["compare_kernel_size"] = pair_json(params.settings[1].kernel_size)
            doc["compare_stride"] = pair_json(params.settings[1].stride)
        return doc

    def params_from_json(self, doc: dict[str, Any]) -> OverlapParams:
        """The record from key.json."""
        settings = [Setting(as_pair(doc["kernel_size"]), as_pair(doc["stride"]))]
        if "compare_kernel_size" in doc:
            settings.append(Setting(as_pair(doc["compare_kernel_size"]), as_pair(doc["compare_stride"])))
        return OverlapParams(
            as_pair(doc["input_size"]), as_pair(doc["padding"]), as_pair(doc["dilation"]), tuple(settings)
        )

    # -- what the student sees -------------------------------------------------------------

    def _setting_words(self, s: Setting) -> str:
        return f"kernel size {fmt_pair(s.kernel_size)}, stride {fmt_pair(s.stride)}"

    def statement(self, params: OverlapParams) -> str:
        """The task in words."""
        h, w = params.input_size
        extra = "".join(
            f", {name} {fmt_pair(value)}"
            for name, value, default in (("padding", params.padding, (0, 0)), ("dilation", params.dilation, (1, 1)))
            if value != default
        )
        first = params.settings[0]
        text = (
            f"A transposed convolution of a {h}×{w} input ({self._setting_words(first)}{extra}) stamps one kernel "
            "copy per input element into the output. Write how many stamps land on each output cell"
        )
        if len(params.settings) == 1:
            return text + "."
        return (
            f"{text}; then do the same with {self._setting_words(params.settings[1])}. Finally say which setting "
            f"covers the output evenly, every cell away from the border getting the same number of stamps: "
            f"write {CHOICE_WORDS}."
        )

    def layout(self, params: OverlapParams) -> AnswerLayout:
        """One map per setting (and one box for the choice)."""
        blocks = shape_of(self.solve(params))
        if len(params.settings) == 1:
            return AnswerLayout(blocks=blocks)
        titles = tuple(f"setting {i + 1}: {self._setting_words(s)}" for i, s in enumerate(params.settings))
        return AnswerLayout(blocks=blocks, block_titles=(*titles, "which covers evenly"), hint=CHOICE_WORDS)

    def givens(self, params: OverlapParams) -> Givens:
        """The parameters, per setting."""
        rows = [("input size", f"{params.input_size[0]}×{params.input_size[1]}")]
        for i, s in enumerate(params.settings):
            tag = "" if len(params.settings) == 1 else f" ({i + 1})"
            rows += [(f"kernel_size{tag}", fmt_pair(s.kernel_size)), (f"stride{tag}", fmt_pair(s.stride))]
        if params.padding != (0, 0):
            rows.append(("padding", fmt_pair(params.padding)))
        if params.dilation != (1, 1):
            rows.append(("dilation", fmt_pair(params.dilation)))
        return Givens(parameters=tuple(rows))

    def describe_answer(self, params: OverlapParams) -> str:
        """For the answer sheet."""
        return "stamps per output cell" if len(params.settings) == 1 else "both maps, then the choice"

    def explain(self, params: OverlapParams, views: tuple[str, ...]) -> tuple[Explanation, ...]:
        """Each map shaded, with its interior pattern; for two settings, the choice."""
        from exercisegen.extra_steps import overlap_view

        if "overlap" not in views:
            return ()
        out: list[Explanation] = []
        views_of = []
        for i, (s, counts) in enumerate(zip(params.settings, self.solve(params))):
            view = overlap_view(counts, s.kernel_size, s.stride, params.dilation)
            views_of.append(view)
            tag = "" if len(params.settings) == 1 else f"setting {i + 1}, "
            out.append(Explanation("overlap", f"Overlap map ({tag}{self._setting_words(s)})", view))
        rule = (
            "A cell gets one stamp for every kernel entry a with a·d ≡ its position (mod s) in each direction; "
            "with dilation 1 the interior is even exactly when the stride divides the kernel size, "
            "otherwise the counts alternate and the output shows a checkerboard."
        )
        if len(params.settings) == 2:
            rule += f" Here the answer is {_choice(params)} ({CHOICE_WORDS})."
        out.append(Explanation("text", "Why", rule))
        return tuple(out)


# --- the maps ------------------------------------------------------------------------------------


def _counts(params: OverlapParams, setting: Setting, stride: Pair | None = None, dilation: Pair | None = None) -> Any:
    """conv_transpose2d(ones, ones): stamps per output cell (ParameterError if the parameters are invalid)."""
    import numpy as np

    from exercisegen.solver import conv_transpose2d

    x = np.ones(params.input_size, dtype=np.int64)
    w = np.ones(setting.kernel_size, dtype=np.int64)
    out = conv_transpose2d(
        x,
        w,
        stride=setting.stride if stride is None else stride,
        padding=params.padding,
        dilation=params.dilation if dilation is None else dilation,
    )
    blocks = blocks_from_array(out[None])
    if blocks is None:
        raise ParameterError("empty map")
    return blocks[0]


def covers_evenly(setting: Setting, dilation: Pair) -> bool:
    """Whether every interior cell gets the same number of stamps."""
    from exercisegen.extra_steps import interior_pattern

    rows = interior_pattern(setting.kernel_size[0], setting.stride[0], dilation[0])
    cols = interior_pattern(setting.kernel_size[1], setting.stride[1], dilation[1])
    return len(set(rows)) == 1 and len(set(cols)) == 1


def _choice(params: OverlapParams) -> int:
    """1 or 2: the setting that covers evenly; 3 both; 0 neither."""
    even = [covers_evenly(s, params.dilation) for s in params.settings]
    return int(even[0]) + 2 * int(even[1])


# --- mistakes: each recomputes what a student who made it writes ---------------------------------


def _maps_then_choice(params: OverlapParams, maps: list[Any]) -> Blocks:
    """Wrong maps with the right choice box (the choice is judged apart from the counting)."""
    if len(params.settings) == 1:
        return tuple(maps)
    return (*maps, ((_choice(params),),))


def overlap_counted_once(params: OverlapParams) -> Blocks | None:
    """Every covered cell counted once: overlapping stamps not added up."""
    maps = [matrix_of([[min(v, 1) for v in row] for row in _counts(params, s)]) for s in params.settings]
    return _maps_then_choice(params, maps)


def overlap_ignored_stride(params: OverlapParams) -> Blocks | None:
    """Stamps placed 1 apart instead of s apart."""
    if all(s.stride == (1, 1) for s in params.settings):
        return None
    return _maps_then_choice(params, [_counts(params, s, stride=(1, 1)) for s in params.settings])


def overlap_ignored_dilation(params: OverlapParams) -> Blocks | None:
    """Kernel entries placed next to each other (dilation 1)."""
    if params.dilation == (1, 1):
        return None
    try:
        return _maps_then_choice(params, [_counts(params, s, dilation=(1, 1)) for s in params.settings])
    except ParameterError:
        return None


def overlap_wrong_setting(params: OverlapParams) -> Blocks | None:
    """The right maps, but the other setting named as the even one."""
    if len(params.settings) == 1 or _choice(params) not in (1, 2):
        return None
    maps = [_counts(params, s) for s in params.settings]
    return (*maps, ((3 - _choice(params),),))


OverlapMap.mistakes = (
    Mistake(
        "overlap_counted_once",
        "You counted each covered cell once",
        "where kernel copies overlap, every copy that lands on a cell adds one to its count.",
        overlap_counted_once,
    ),
    Mistake(
        "overlap_ignored_stride",
        "You placed the kernel copies 1 apart",
        "the copies for neighbouring input elements start s cells apart.",
        overlap_ignored_stride,
    ),
    Mistake(
        "overlap_ignored_dilation",
        "You ignored the dilation",
        "with dilation d one kernel copy covers cells d apart, d·(k − 1) + 1 cells in all.",
        overlap_ignored_dilation,
    ),
    Mistake(
        "overlap_wrong_setting",
        "You named the setting with the checkerboard as the even one",
        "the interior is even when every cell away from the border gets the same count — with dilation 1, "
        "when the stride divides the kernel size.",
        overlap_wrong_setting,
    ),
)
