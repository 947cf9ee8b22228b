"""`exercisegen stress`: draw a spec for many students and report what an author should know.

Per problem: how each drawn choice spreads over the class, the range of the answers' numbers, the share of
zero cells, given grids that came out all zeros, draws where a modelled mistake earns full marks, how many
draws the constraints threw away, and the slowest draw. Alarming findings are lines starting with
`WARNING`, each saying what to add to the spec. Pure: `stress_test` returns records, `stress_text` words.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from exercisegen.balance import show_value, spread, spread_text
from exercisegen.problems.base import Blocks, shape_of
from exercisegen.problems.registry import problem_type
from exercisegen.roster import numbered_students
from exercisegen.variants import MAX_DRAW_TRIES, Drawn, balanced_specs, draw_class

if TYPE_CHECKING:
    from exercisegen.spec_model import ProblemSpec, SetSpec

HALF = 0.5  # answers with at least this share of zero cells are flagged
UNEVEN = 0.6  # a choice drawn less than this fraction as often as the most frequent one is flagged ...
SIGMAS = 3.0  # ... when it is also this many standard deviations below an even share
MANY_TRIES = MAX_DRAW_TRIES // 4  # a draw this close to the limit may fail for some future student
SLOW_SECONDS = 2.0
NAMED = 4  # students named per finding


@dataclass(frozen=True)
class ProblemStress:
    """What many draws of one problem showed."""

    spec: "ProblemSpec"
    students: tuple[str, ...]
    spread: tuple[tuple[str, Counter[Any]], ...]  # (field, counts of its values)
    impossible: tuple[str, ...]  # balanced combinations no draw meets ("stride 2, kernel 2×3")
    numbers: tuple[float, float] | None  # smallest and largest number in the answers
    zero_shares: tuple[float, ...]  # per student: share of zero cells (types where zeros matter), else ()
    zero_givens: tuple[tuple[str, tuple[str, ...]], ...]  # (given grid caption, students where it is all 0)
    right_by_mistake: tuple[tuple[str, tuple[str, ...]], ...]  # (mistake name, students it gives full marks)
    distinct: int  # different draws in the class
    tries: tuple[int, ...]  # per student: draws made for the accepted one (the most of its attempts)
    seconds: tuple[float, ...]  # per student


@dataclass(frozen=True)
class StressReport:
    """A stress test of a whole spec."""

    filename: str
    seed: int
    problems: tuple[ProblemStress, ...]


def stress_test(set_spec: "SetSpec", variants: int) -> StressReport:
    """Draw the spec for `variants` students (v001…) as `generate` would and examine every problem."""
    from exercisegen.balance import combinations, show_combination

    students = [sid for sid, _ in numbered_students(variants)]
    drawn = draw_class(set_spec, students)
    problems = []
    for index, spec in enumerate(set_spec.problems):
        mine = [row[index] for row in drawn]
        impossible: tuple[str, ...] = ()
        if spec.balance:
            allowed = {s.fields for s in balanced_specs(set_spec, spec)}
            everything = combinations(spec)
            missing = [c for c in everything if _fixed_fields(spec, c) not in allowed]
            impossible = tuple(show_combination(spec, c) for c in missing)
        problems.append(_examine(spec, tuple(students), mine, impossible))
    return StressReport(set_spec.filename, set_spec.seed, tuple(problems))


def _fixed_fields(spec: "ProblemSpec", combination: tuple[Any, ...]) -> Any:
    from exercisegen.balance import fixed_spec

    return fixed_spec(spec, combination).fields


def _examine(
    spec: "ProblemSpec", students: tuple[str, ...], drawn: list[Drawn], impossible: tuple[str, ...]
) -> ProblemStress:
    kind = problem_type(spec.type)
    params = [d.params for d in drawn]
    docs = [kind.params_to_json(p) for p in params]
    answers = [kind.solve(p) for p in params]
    cells = [v for answer in answers for v in _cells(answer)]
    zeros_matter = "min_nonzero_answer_fraction" in kind.constraints
    zero_givens: dict[str, list[str]] = {}
    right: dict[str, list[str]] = {}
    for student, p, answer in zip(students, params, answers):
        for grid in kind.givens(p).grids:
            if all(v == 0 for row in grid.values for v in row):
                zero_givens.setdefault(grid.caption, []).append(student)
        for mistake, predicted in kind.predictions(p):
            if _full_marks(kind, p, answer, predicted, spec):
                right.setdefault(mistake.name, []).append(student)
    return ProblemStress(
        spec=spec,
        students=students,
        spread=tuple(spread(spec, docs)),
        impossible=impossible,
        numbers=(min(cells), max(cells)) if cells else None,
        zero_shares=tuple(_zero_share(a) for a in answers) if zeros_matter else (),
        zero_givens=tuple((caption, tuple(who)) for caption, who in zero_givens.items()),
        right_by_mistake=tuple((name, tuple(who)) for name, who in right.items()),
        distinct=len({repr(doc) for doc in docs}),
        tries=tuple(d.tries for d in drawn),
        seconds=tuple(d.seconds for d in drawn),
    )


def _cells(answer: Blocks) -> list[Any]:
    return [v for block in answer for row in block for v in row]


def _zero_share(answer: Blocks) -> float:
    cells = _cells(answer)
    return sum(v == 0 for v in cells) / len(cells) if cells else 1.0


def _full_marks(kind: Any, params: Any, answer: Blocks, predicted: Blocks, spec: "ProblemSpec") -> bool:
    """Whether an answer sheet holding `predicted` would earn every point."""
    if shape_of(predicted) != shape_of(answer):
        return False
    marks = kind.mark(params, answer, predicted, spec.atol, spec.rtol)
    return all(all(row) for block in marks for row in block)


# --- the report ----------------------------------------------------------------------------------


def warnings_of(problem: ProblemStress) -> list[str]:
    """The alarming findings about one problem, each a line starting with WARNING."""
    pid, n = problem.spec.id, len(problem.students)
    found = []
    for caption, who in problem.zero_givens:
        fix = "nonzero_kernel" if caption.startswith("kernel") else "nonzero_input"
        found.append(f"WARNING: {pid}: the {caption} is all zeros in {_some(who, n)}; add constraints: {fix}: true")
    if problem.zero_shares:
        all_zero = [s for s, share in zip(problem.students, problem.zero_shares) if share == 1]
        if all_zero:
            found.append(
                f"WARNING: {pid}: the answer is all zeros in {_some(all_zero, n)}; "
                "add constraints: min_nonzero_answer_fraction: 0.6"
            )
        half = [s for s, share in zip(problem.students, problem.zero_shares) if HALF <= share < 1]
        if half:
            worst = max(problem.zero_shares)
            found.append(
                f"WARNING: {pid}: {len(half)} of {n} answers are at least half zeros (an all-zero answer earns "
                f"up to {worst:.0%}); add constraints: min_nonzero_answer_fraction: 0.6"
            )
    for name, counts in problem.spread:
        rare = _rare(counts, len(counts))
        if rare is not None:
            least, most = rare
            found.append(
                f"WARNING: {pid}: {_value(problem, name, least)} drawn {counts[least]} times but "
                f"{_value(problem, name, most)} {counts[most]} times: the constraints favour some choices; "
                f"add balance: [{name}] (or relax the constraints)"
            )
    for name, students in problem.right_by_mistake:
        found.append(
            f"WARNING: {pid}: the mistake '{name}' gives the right answer in {_some(students, n)}; "
            "add constraints: distinct_from_mistakes: true"
        )
    most = max(problem.tries, default=0)
    if most > MANY_TRIES:
        student = problem.students[problem.tries.index(most)]
        found.append(
            f"WARNING: {pid}: a draw needed {most} tries ({student}); at {MAX_DRAW_TRIES} generation fails: "
            "widen the ranges or relax the constraints"
        )
    slowest = max(problem.seconds, default=0.0)
    if slowest > SLOW_SECONDS:
        found.append(f"WARNING: {pid}: the slowest draw took {slowest:.1f} s; relax distinct_from_mistakes or sizes")
    return found


def _rare(counts: Counter[Any], options: int) -> tuple[Any, Any] | None:
    """(least, most frequent value) when the least is both far below the most and unlikely by chance."""
    if options < 2:
        return None
    (most, high), (least, low) = counts.most_common()[0], counts.most_common()[-1]
    even = sum(counts.values()) / options
    if low < UNEVEN * high and low < even - SIGMAS * even**0.5:
        return least, most
    return None


def _value(problem: ProblemStress, name: str, value: Any) -> str:
    """`stride 2`, `kernel 3×4`."""
    return f"{name} {show_value(problem.spec, name, value)}"


def _some(who: tuple[str, ...] | list[str], n: int) -> str:
    """`2 of 300 draws (v048, v199)`."""
    names = ", ".join(who[:NAMED]) + (", ..." if len(who) > NAMED else "")
    return f"{len(who)} of {n} draws ({names})"


def stress_text(report: StressReport) -> str:
    """The whole report: a block per problem, its WARNING lines, and a last line counting them."""
    n = len(report.problems[0].students) if report.problems else 0
    lines = [f"Stress test of {report.filename}: {n} draws (students v001...), seed {report.seed}", ""]
    total = 0
    for problem in report.problems:
        spec = problem.spec
        lines.append(f"{spec.id} ({spec.type})")
        if problem.spread:
            mark = {name: " (balanced)" for name in spec.balance}
            drawn = "; ".join(spread_text(spec, name, c) + mark.get(name, "") for name, c in problem.spread)
            lines.append(f"  drawn: {drawn}")
        if problem.impossible:
            lines.append(f"  never drawn (no draw meets the constraints): {'; '.join(problem.impossible)}")
        if problem.numbers is not None:
            lo, hi = problem.numbers
            lines.append(f"  answers: numbers from {_num(lo)} to {_num(hi)}; {problem.distinct} different draws")
        if problem.zero_shares:
            shares = problem.zero_shares
            lines.append(
                f"  zero cells: {sum(shares) / len(shares):.0%} on average, at most {max(shares):.0%} of an answer"
            )
        most = max(problem.tries, default=0)
        slowest = max(problem.seconds, default=0.0)
        lines.append(
            f"  draws per variant: {sum(problem.tries) / max(len(problem.tries), 1):.1f} on average, at most {most}"
            f" ({problem.students[problem.tries.index(most)]}); slowest draw {slowest * 1000:.0f} ms"
        )
        found = warnings_of(problem)
        total += len(found)
        lines += found
        lines.append("")
    lines.append(f"{total} warning{'s' if total != 1 else ''}" if total else "nothing alarming")
    return "\n".join(lines) + "\n"


def _num(value: Any) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
