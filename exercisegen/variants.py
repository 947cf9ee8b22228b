"""Per-student variants: records, seed derivation (HMAC), variant codes, drawing a whole set, key.json."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from exercisegen.problems.base import AnswerLayout, Blocks, ProblemType, blocks_of, nested
from exercisegen.problems.registry import TYPE_NAMES, problem_type

if TYPE_CHECKING:
    import numpy as np

    from exercisegen.spec_model import ProblemSpec, SetSpec


@dataclass(frozen=True)
class Problem:
    """One drawn problem of a variant: its type's parameter record and the answer (C, H, W)."""

    id: str
    type: str
    points: float
    params: Any  # the type's frozen parameter record
    answer: Blocks
    atol: float = 0.0
    rtol: float = 0.0
    instructions: str = ""
    show_steps: tuple[str, ...] = ()

    @property
    def kind(self) -> ProblemType[Any]:
        """The problem type."""
        return problem_type(self.type)

    @cached_property
    def layout(self) -> AnswerLayout:
        """What the student fills in (computed once: grading asks for it per submission)."""
        return self.kind.layout(self.params)

    @property
    def statement(self) -> str:
        """The task in words."""
        return self.kind.statement(self.params)


@dataclass(frozen=True)
class Variant:
    """One student's problem set."""

    code: str
    student_id: str
    student_name: str
    problems: tuple[Problem, ...]
    student_email: str = ""  # from an LMS roster's email column; "" when there is none
    lms: tuple[tuple[str, str], ...] = ()  # the LMS roster's identity columns (header, value), e.g. ("ID", "5678")


@dataclass(frozen=True)
class Key:
    """The answer key of a generated set (what key.json holds)."""

    set_title: str
    spec_sha256: str
    seed: int
    variants: tuple[Variant, ...]
    course: str = ""
    instructions: str = ""
    paper: str = "a4"
    roster_source: str = ""  # "canvas", "moodle" or "plain" when the roster was not a plain `id` CSV
    roster_id_column: str = ""  # the roster's column the student ids came from (e.g. "SIS User ID")


# --- seeds and codes -------------------------------------------------------------------------

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_DATA_CHARS = 7
MAX_DRAW_TRIES = 1000  # attempts to meet a problem's constraints before the spec is called impossible
MAX_UNIQUE_TRIES = 50  # extra draws to keep a student's problem different from the classmates'


def _digest(secret: bytes | None, *parts: str) -> bytes:
    """SHA-256 of the parts (HMAC-SHA256 keyed by the secret when there is one); never hash()."""
    import hashlib
    import hmac

    message = "\x00".join(("exercisegen/v1",) + parts).encode("utf-8")
    if secret:
        return hmac.new(secret, message, hashlib.sha256).digest()
    return hashlib.sha256(message).digest()


# The check symbol is one more Crockford character: the code's 8 symbols, read as elements of the
# field GF(32) (x^5 + x^2 + 1), weighted by powers of a primitive element α, sum to 0. A single wrong
# symbol changes the sum by α^i·e ≠ 0, a swap of neighbours by α^i·(1 + α)·(a + b) ≠ 0, so every
# single typo and every swap of different neighbours, the check symbol included, is caught.
_GF_POLY = 0b100101


def _gf_times(a: int, b: int) -> int:
    """a·b in GF(32)."""
    product = 0
    while b:
        if b & 1:
            product ^= a
        b >>= 1
        a <<= 1
        if a & 0b100000:
            a ^= _GF_POLY
    return product


def _alpha_power(n: int) -> int:
    value = 1
    for _ in range(n % 31):
        value = _gf_times(value, 2)
    return value


def _check_symbol(data: str) -> str:
    total = 0
    for i, ch in enumerate(data):
        total ^= _gf_times(_alpha_power(i), CROCKFORD.index(ch))
    # the check symbol c makes total + α^7·c = 0, so c = α^-7 · total (minus is plus in GF(32))
    return CROCKFORD[_gf_times(total, _alpha_power(31 - CODE_DATA_CHARS))]


def make_code(secret: bytes | None, set_title: str, seed: int, student_id: str, attempt: int = 0) -> str:
    """The printable variant code `XXXX-XXXC`: 7 Crockford base32 characters and a check character."""
    digest = _digest(secret, "code", set_title, str(seed), student_id, str(attempt))
    number = int.from_bytes(digest[:8], "big")
    data = ""
    for _ in range(CODE_DATA_CHARS):
        data += CROCKFORD[number % 32]
        number //= 32
    full = data + _check_symbol(data)
    return f"{full[:4]}-{full[4:]}"


def normalize_code(code: str) -> str:
    """Upper case, no dashes or spaces, Crockford's look-alikes mapped (O→0, I/L→1)."""
    cleaned = "".join(ch for ch in code.upper() if ch not in "- \t")
    cleaned = cleaned.replace("O", "0").replace("I", "1").replace("L", "1")
    if len(cleaned) == CODE_DATA_CHARS + 1:
        return f"{cleaned[:4]}-{cleaned[4:]}"
    return cleaned


def check_code(code: str) -> bool:
    """True when `code` is well-formed and its check symbol matches (catches any single typo or swap)."""
    if not isinstance(code, str) or len(code) > 20:
        return False
    cleaned = normalize_code(code).replace("-", "")
    if len(cleaned) != CODE_DATA_CHARS + 1:
        return False
    data, check = cleaned[:-1], cleaned[-1]
    if any(ch not in CROCKFORD for ch in cleaned):
        return False
    return _check_symbol(data) == check


def problem_rng(secret: bytes | None, set_title: str, seed: int, student_id: str, problem_id: str) -> Any:
    """A numpy Generator for one student's problem, identical on every machine and Python version."""
    import numpy as np

    digest = _digest(secret, "draw", set_title, str(seed), student_id, problem_id)
    return np.random.Generator(np.random.PCG64(int.from_bytes(digest[:16], "big")))


# --- drawing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Drawn:
    """One student's drawn problem, with what drawing it cost (for `exercisegen stress`)."""

    params: Any
    tries: int  # the most draws one attempt made (rejected ones included)
    seconds: float


def draw_counted(spec: "ProblemSpec", rng: "np.random.Generator") -> tuple[Any, int]:
    """(parameters meeting the constraints or None after MAX_DRAW_TRIES, the number of draws made)."""
    kind = problem_type(spec.type)
    for tries in range(1, MAX_DRAW_TRIES + 1):
        params = kind.draw(spec, rng)
        if params is not None:
            return params, tries
    return None, MAX_DRAW_TRIES


def draw_problem(spec: "ProblemSpec", rng: "np.random.Generator") -> Any:
    """Draw one problem's parameters, retrying until the constraints hold (None after MAX_DRAW_TRIES)."""
    return draw_counted(spec, rng)[0]


def check_drawable(set_spec: "SetSpec") -> list[str]:
    """Messages for problems whose constraints no draw meets (FILE:LINE: problems[i]: ...)."""
    messages = []
    for index, spec in enumerate(set_spec.problems):
        rng = problem_rng(None, set_spec.title, set_spec.seed, "__validate__", spec.id)
        if draw_problem(spec, rng) is None:
            messages.append(
                f"{set_spec.filename}:{spec.line}: problems[{index}]: no draw of '{spec.id}' is valid "
                f"and meets its constraints in {MAX_DRAW_TRIES} tries; widen the ranges or relax the "
                "constraints"
            )
    return messages


def balanced_specs(set_spec: "SetSpec", spec: "ProblemSpec") -> tuple["ProblemSpec", ...]:
    """A balanced problem's allowed combinations, each as the problem with those fields fixed (a
    combination is allowed when a draw meets the constraints); () for a problem without `balance`."""
    from exercisegen.balance import combinations, fixed_spec

    allowed = []
    for index, combination in enumerate(combinations(spec) if spec.balance else ()):
        fixed = fixed_spec(spec, combination)
        rng = problem_rng(None, set_spec.title, set_spec.seed, f"__balance__{index}", spec.id)
        if draw_problem(fixed, rng) is not None:
            allowed.append(fixed)
    return tuple(allowed)


def _canonical(spec: "ProblemSpec", params: Any) -> str:
    import json

    return json.dumps(problem_type(spec.type).params_to_json(params), sort_keys=True, separators=(",", ":"))


def draw_class(
    set_spec: "SetSpec", student_ids: list[str], *, seed: int | None = None, secret: bytes | None = None
) -> list[list[Drawn]]:
    """Every student's drawn problems (per student, per problem): deterministic in (set title, seed,
    secret, student id) and, for balanced problems, the class's ids; where the spec's space allows, no
    two students share a problem's parameters."""
    import time

    from exercisegen.balance import assign_slots
    from exercisegen.errors import SpecError

    seed = set_spec.seed if seed is None else seed
    specs: dict[str, tuple["ProblemSpec", ...]] = {}
    slots: dict[str, dict[str, int]] = {}
    for spec in set_spec.problems:
        specs[spec.id] = balanced_specs(set_spec, spec) or (spec,)
        count = len(specs[spec.id])
        pid = spec.id
        slots[pid] = assign_slots(
            student_ids,
            count,
            lambda sid, pid=pid: _digest(secret, "balance", set_spec.title, str(seed), sid, pid),  # type: ignore[misc]
            lambda run, pid=pid: _digest(secret, "cycle", set_spec.title, str(seed), pid, str(run)),  # type: ignore[misc]
        )
    used: dict[str, set[str]] = {p.id: set() for p in set_spec.problems}
    drawn = []
    for student_id in student_ids:
        mine = []
        for index, spec in enumerate(set_spec.problems):
            start = time.perf_counter()
            rng = problem_rng(secret, set_spec.title, seed, student_id, spec.id)
            chosen = specs[spec.id][slots[spec.id][student_id]]
            params, tries = _draw_unique(chosen, rng, used[spec.id])
            if params is None:  # a rare combination this student's draws never met: drawn without balance
                params, more = _draw_unique(spec, rng, used[spec.id])
                tries = max(tries, more)
            if params is None:
                raise SpecError(
                    [
                        f"{set_spec.filename}:{spec.line}: problems[{index}]: no draw of '{spec.id}' for student "
                        f"{student_id!r} met its constraints in {MAX_DRAW_TRIES} tries; widen the ranges or relax "
                        "the constraints"
                    ]
                )
            mine.append(Drawn(params, tries, time.perf_counter() - start))
        drawn.append(mine)
    return drawn


def build_key(
    set_spec: "SetSpec",
    students: list[tuple[str, str]],
    *,
    seed: int | None = None,
    secret: bytes | None = None,
) -> Key:
    """Draw every student's variant (see `draw_class`) and give each a variant code."""
    from exercisegen.errors import SpecError

    seed = set_spec.seed if seed is None else seed
    impossible = check_drawable(set_spec)
    if impossible:
        raise SpecError(impossible)
    drawn = draw_class(set_spec, [sid for sid, _ in students], seed=seed, secret=secret)
    codes: set[str] = set()
    variants = []
    for (student_id, name), mine in zip(students, drawn):
        attempt = 0
        code = make_code(secret, set_spec.title, seed, student_id)
        while code in codes:
            attempt += 1
            code = make_code(secret, set_spec.title, seed, student_id, attempt)
        codes.add(code)
        problems = tuple(_problem(spec, d.params) for spec, d in zip(set_spec.problems, mine))
        variants.append(Variant(code=code, student_id=student_id, student_name=name, problems=problems))
    return Key(
        set_title=set_spec.title,
        spec_sha256=set_spec.sha256,
        seed=seed,
        variants=tuple(variants),
        course=set_spec.course,
        instructions=set_spec.instructions,
        paper=set_spec.paper,
    )


def _problem(spec: "ProblemSpec", params: Any) -> Problem:
    return Problem(
        id=spec.id,
        type=spec.type,
        points=spec.points,
        params=params,
        answer=problem_type(spec.type).solve(params),
        atol=spec.atol,
        rtol=spec.rtol,
        instructions=spec.instructions or "",
        show_steps=tuple(spec.show_steps),
    )


def _draw_unique(spec: "ProblemSpec", rng: "np.random.Generator", used: set[str]) -> tuple[Any, int]:
    """A draw no classmate has (the first draw when the space is too small) and the most draws one
    attempt took (None when the first attempt failed: the constraints are too tight for this rng)."""
    first = None
    most = 0
    for _ in range(MAX_UNIQUE_TRIES):
        params, tries = draw_counted(spec, rng)
        most = max(most, tries)
        if params is None:
            return first, most
        if first is None:
            first = params
        canonical = _canonical(spec, params)
        if canonical not in used:
            used.add(canonical)
            return params, most
    assert first is not None
    return first, most  # the space is smaller than the class: repeats are unavoidable


# --- key.json --------------------------------------------------------------------------------


def key_to_json(key: Key) -> str:
    """key.json text: stable key order and formatting, so reruns are byte-identical."""

    doc: dict[str, Any] = {"set": key.set_title, "spec_sha256": key.spec_sha256, "seed": key.seed}
    if key.roster_source:  # only for LMS rosters: a plain roster's key.json keeps its shape
        doc["roster"] = {"source": key.roster_source, "id_column": key.roster_id_column}
    doc["variants"] = [_variant_json(v) for v in key.variants]
    return key_json_text(doc)


def key_json_text(doc: dict[str, Any]) -> str:
    """key.json text of the key as plain data (what `key_to_json` writes, and `merge` from shards)."""
    return _dump(doc, "") + "\n"


def _variant_json(v: Variant) -> dict[str, Any]:
    doc: dict[str, Any] = {"code": v.code, "student_id": v.student_id, "student_name": v.student_name}
    if v.student_email:
        doc["student_email"] = v.student_email
    if v.lms:
        doc["lms"] = dict(v.lms)
    doc["problems"] = [_problem_json(p) for p in v.problems]
    return doc


def _dump(value: Any, indent: str) -> str:
    """JSON with one key per line, and number lists (matrix rows) kept on one line."""
    import json

    inner = indent + "  "
    if isinstance(value, dict) and value:
        items = [f"{inner}{json.dumps(k, ensure_ascii=False)}: {_dump(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if isinstance(value, list) and value and any(isinstance(v, (dict, list)) for v in value):
        if all(isinstance(v, list) and not any(isinstance(x, (dict, list)) for x in v) for v in value):
            return "[" + ", ".join(json.dumps(v) for v in value) + "]"  # a matrix: rows inline
        return "[\n" + ",\n".join(inner + _dump(v, inner) for v in value) + "\n" + indent + "]"
    return json.dumps(value, ensure_ascii=False)


def _problem_json(p: Problem) -> dict[str, Any]:
    points = int(p.points) if float(p.points).is_integer() else p.points
    kind = p.kind
    doc: dict[str, Any] = {
        "id": p.id,
        "type": p.type,
        "points": points,
        "params": kind.params_to_json(p.params),
        "answer": nested(p.answer, kind.single(p.params)),
    }
    # tolerances only when the spec sets them: the default key.json shape has exactly the five keys
    if p.atol:
        doc["atol"] = p.atol
    if p.rtol:
        doc["rtol"] = p.rtol
    return doc


def key_from_json(text: str, filename: str) -> Key:
    """Read key.json back into records; KeyFileError with the file name when it is not a key."""
    import json

    from exercisegen.errors import KeyFileError

    try:
        doc = json.loads(text)
        variants = []
        for v in doc["variants"]:
            problems = []
            for p in v["problems"]:
                if p["type"] not in TYPE_NAMES:
                    raise ValueError(f"unknown problem type {p['type']!r}")
                problems.append(
                    Problem(
                        id=str(p["id"]),
                        type=p["type"],
                        points=float(p["points"]),
                        params=problem_type(p["type"]).params_from_json(dict(p["params"])),
                        answer=blocks_of(p["answer"]),
                        atol=float(p.get("atol", 0)),
                        rtol=float(p.get("rtol", 0)),
                    )
                )
            variants.append(
                Variant(
                    code=str(v["code"]),
                    student_id=str(v["student_id"]),
                    student_name=str(v.get("student_name", "")),
                    problems=tuple(problems),
                    student_email=str(v.get("student_email", "")),
                    lms=tuple((str(k), str(value)) for k, value in dict(v.get("lms", {})).items()),
                )
            )
        roster = dict(doc.get("roster", {}))
        return Key(
            set_title=str(doc["set"]),
            spec_sha256=str(doc["spec_sha256"]),
            seed=int(doc["seed"]),
            variants=tuple(variants),
            roster_source=str(roster.get("source", "")),
            roster_id_column=str(roster.get("id_column", "")),
        )
    except (ValueError, KeyError, TypeError, AttributeError, IndexError) as err:
        raise KeyFileError(
            f"{filename}: not a valid exercisegen key.json ({err}); use the key.json that `exercisegen generate` wrote"
        ) from None
