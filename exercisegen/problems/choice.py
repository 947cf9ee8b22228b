"""Problem type `choice`: a conceptual single-choice, multiple-choice or true/false item written in the
spec, with numbers drawn per variant (`{name}` placeholders) and R/exams-style scoring.

The answer is one row of numbers inside: 1 for an option that should be ticked, 0 otherwise; students
write the letters they pick (or tick the worksheet's checkboxes). Scoring (`credit`):
  * single and true/false: all or nothing;
  * multiple with `partial: true` (the default): every right option ticked earns 1/#right, every wrong
    one ticked costs as `rule` says (R/exams: `false` 1/#wrong, `false2` 1/max(#wrong, 2), `true`
    1/#right, `all` everything, `none` nothing), the total floored at 0; `partial: false`: all or nothing.
The per-option feedback written in the spec is what `comment` says about a wrong answer.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from exercisegen.explanations import Explanation
from exercisegen.fields import MAX_VALUE, Field
from exercisegen.problems.base import AnswerLayout, Blocks, BoxByBoxForm, Givens, Marks, ProblemType, Submitted
from exercisegen.problems.drawing import draw_value, one_row
from exercisegen.problems.formulas import FormulaError, Value, check_formula, evaluate, fill, names_in

if TYPE_CHECKING:
    import numpy as np

    from exercisegen.spec_model import ProblemSpec

KINDS = ("single", "multiple", "truefalse")
RULES = ("false", "false2", "true", "all", "none")
TRUE_FALSE = (("T", "True"), ("F", "False"))


@dataclass(frozen=True)
class Option:
    """One option as shown (numbers filled in): its text, whether it is right, and what to say about it."""

    text: str
    correct: bool
    feedback: str = ""


@dataclass(frozen=True)
class ChoiceParams:
    """The drawn item: statement and options with numbers filled in, in display order, and the scoring."""

    kind: str  # one of KINDS
    statement: str
    options: tuple[Option, ...]
    explanation: str
    partial: bool
    rule: str  # one of RULES
    values: tuple[tuple[str, Value], ...]  # the drawn and derived numbers, for the record

    @property
    def letters(self) -> tuple[str, ...]:
        """The options' letters: A, B, ... (T and F for true/false)."""
        if self.kind == "truefalse":
            return tuple(letter for letter, _ in TRUE_FALSE)
        return tuple(string.ascii_uppercase[: len(self.options)])


_OPTION_ITEMS = (
    ("text", Field("text", required=True, help="the option as shown; may hold {name} placeholders")),
    ("correct", Field("bool", default=False, help="whether this option should be ticked")),
    ("feedback", Field("text", help="said in the solution and to a student who judges this option wrong")),
)


class Choice(ProblemType[ChoiceParams]):
    """Options picked by letter; R/exams-style partial credit for multiple choice."""

    name = "choice"
    fields = {
        "kind": Field(
            "word",
            default="single",
            options=KINDS,
            help="single (exactly one option is right), multiple (tick all that apply) or truefalse "
            "(the statement is true or false)",
        ),
        "statement": Field("text", required=True, help="the question; may hold {name} placeholders"),
        "options": Field(
            "list", minimum=2, maximum=10, items=_OPTION_ITEMS, help="the options (single, multiple; not truefalse)"
        ),
        "correct": Field("bool", help="truefalse only: whether the statement is true"),
        "explanation": Field("text", help="why the answer is right: shown in the solution and in feedback"),
        "params": Field(
            "draws", default={}, maximum=MAX_VALUE,
            help="numbers drawn per variant for {name} placeholders",
        ),
        "derived": Field(
            "formulas",
            default={},
            help="numbers computed from params (+ - * / // % **, min, max, abs), e.g. `o: (i - 1) * s + k`",
        ),
        "shuffle": Field("bool", default=True, help="show the options in a drawn order (not for truefalse)"),
        "partial": Field("bool", default=True, help="multiple: partial credit per option (else all or nothing)"),
        "rule": Field(
            "word",
            default="false2",
            options=RULES,
            help="multiple with partial credit: what a wrong tick costs (R/exams): false 1/#wrong options, "
            "false2 1/max(#wrong, 2), true 1/#right options, all everything, none nothing; floored at 0",
        ),
    }
    views = ("options",)
    default_views = ("options",)
    constraints = frozenset()

    def check_fields(self, fields: dict[str, Any]) -> list[tuple[str, str]]:
        """Options fit the kind; every placeholder and formula names a known number."""
        kind, options = fields["kind"].values, fields["options"]
        problems: list[tuple[str, str]] = []
        if kind == ("truefalse",):
            if options is not None:
                problems.append(("options", "not used by kind truefalse; give `correct: true` or `false` instead"))
            if fields["correct"] is None:
                problems.append(("correct", "required for kind truefalse: whether the statement is true"))
        elif "truefalse" in kind:
            problems.append(("kind", "truefalse cannot be drawn together with other kinds; use separate problems"))
        elif options is None:
            problems.append(("options", "required for kind single or multiple"))
        else:
            right = sum(bool(dict(option)["correct"]) for option in options)
            if "single" in kind and right != 1:
                problems.append(("options", f"a single choice needs exactly one correct option, got {right}"))
            if "multiple" in kind and right == 0:
                problems.append(("options", "a multiple choice needs at least one correct option"))
            if fields["correct"] is not None:
                problems.append(("correct", "only for kind truefalse; mark options with `correct: true`"))
        known = {name for name, _ in fields["params"]}
        for name, formula in fields["derived"]:
            message = check_formula(formula, known)
            if message:
                problems.append((f"derived.{name}", message))
            known.add(name)
        texts = [("statement", fields["statement"]), ("explanation", fields["explanation"] or "")]
        for i, option in enumerate(options or ()):
            item = dict(option)
            texts += [(f"options[{i}].text", item["text"]), (f"options[{i}].feedback", item["feedback"] or "")]
        for where, text in texts:
            unknown = [name for name in names_in(text) if name not in known]
            if unknown:
                problems.append((where, f"{{{unknown[0]}}} is not in params or derived (write {{{{ for a brace)"))
        return problems

    def draw(self, spec: "ProblemSpec", rng: "np.random.Generator") -> ChoiceParams | None:
        """Draw the numbers, fill in the texts, shuffle; None when a formula fails or two options read the same."""
        field = spec.field
        values: dict[str, Value] = {name: int(draw_value(draw, rng)) for name, draw in field("params")}
        try:
            for name, formula in field("derived"):
                values[name] = evaluate(formula, values)
        except (FormulaError, TypeError, OverflowError):
            return None
        kind = draw_value(field("kind"), rng)
        options: tuple[Option, ...]
        if kind == "truefalse":
            correct = bool(field("correct"))
            options = (Option("True", correct), Option("False", not correct))
        else:
            options = tuple(
                Option(fill(item["text"], values), bool(item["correct"]), fill(item["feedback"] or "", values))
                for item in (dict(raw) for raw in field("options"))
            )
            if len({option.text for option in options}) < len(options):
                return None
            if field("shuffle"):
                options = tuple(options[int(i)] for i in rng.permutation(len(options)))
        return ChoiceParams(
            kind,
            fill(field("statement"), values),
            options,
            fill(field("explanation") or "", values),
            bool(field("partial")),
            str(draw_value(field("rule"), rng)),
            tuple(values.items()),
        )

    def solve(self, params: ChoiceParams) -> Blocks:
        """1 for each option to tick, 0 for the others, in display order."""
        return one_row([1 if option.correct else 0 for option in params.options])

    def params_to_json(self, params: ChoiceParams) -> dict[str, Any]:
        """Everything shown (numbers filled in), the scoring, and the drawn numbers."""
        return {
            "kind": params.kind,
            "statement": params.statement,
            "options": [
                {"text": o.text, "correct": o.correct, **({"feedback": o.feedback} if o.feedback else {})}
                for o in params.options
            ],
            "explanation": params.explanation,
            "partial": params.partial,
            "rule": params.rule,
            "values": dict(params.values),
        }

    def params_from_json(self, doc: dict[str, Any]) -> ChoiceParams:
        """The record from key.json."""
        kind, rule = str(doc["kind"]), str(doc["rule"])
        options = tuple(Option(str(o["text"]), bool(o["correct"]), str(o.get("feedback", ""))) for o in doc["options"])
        if kind not in KINDS or rule not in RULES or len(options) < 2:
            raise ValueError("malformed choice params")
        values = tuple((str(k), v) for k, v in dict(doc["values"]).items())
        return ChoiceParams(kind, str(doc["statement"]), options, str(doc["explanation"]), bool(doc["partial"]), rule,
                            values)

    # -- what the student sees ------------------------------------------------------------------------

    def statement(self, params: ChoiceParams) -> str:
        """The question as written in the spec (numbers filled in), and what to tick."""
        how = {
            "single": "Tick the one right option.",
            "multiple": "Tick every option that is right (there may be more than one).",
            "truefalse": "True or false?",
        }[params.kind]
        return f"{params.statement} {how}"

    def givens(self, params: ChoiceParams) -> Givens:
        """The options with their letters (drawn with checkboxes in place of answer boxes)."""
        texts = [letter_text[1] for letter_text in TRUE_FALSE] if params.kind == "truefalse" else None
        shown = texts or [option.text for option in params.options]
        return Givens(choices=tuple(zip(params.letters, shown)))

    def layout(self, params: ChoiceParams) -> AnswerLayout:
        """One cell per option, picked by letter."""
        choose = "any" if params.kind == "multiple" else "one"
        return AnswerLayout(blocks=((1, len(params.options)),), labels=params.letters, choose=choose)

    def describe_answer(self, params: ChoiceParams) -> str:
        """For the answer sheet (templates write their own line for choices)."""
        return "the letters you pick"

    def explain(self, params: ChoiceParams, views: tuple[str, ...]) -> tuple[Explanation, ...]:
        """The right letters, the explanation, and each option's feedback."""
        if "options" not in views:
            return ()
        right = [letter for letter, option in zip(params.letters, params.options) if option.correct]
        found = [Explanation("text", "Answer", _answer_text(params, right))]
        for letter, option in zip(params.letters, params.options):
            if option.feedback:
                verdict = "right" if option.correct else "wrong"
                found.append(Explanation("text", f"{letter} ({verdict})", option.feedback))
        return tuple(found)

    def box_by_box(self, params: ChoiceParams) -> BoxByBoxForm:
        """An LMS asks one number per option: 1 for an option picked, 0 for one left out."""
        how = "exactly one is right" if params.kind != "multiple" else "any number of them may be right"
        statement = f"{params.statement} Write 1 under each right option and 0 under the others ({how})."
        layout = AnswerLayout(blocks=((1, len(params.options)),), labels=params.letters)
        return BoxByBoxForm(statement, layout, self.solve(params))

    # -- grading ------------------------------------------------------------------------------------

    def credit(self, params: ChoiceParams, answer: Blocks, submitted: Submitted, marks: Marks) -> float | None:
        """R/exams-style: all or nothing for single and true/false; partial credit with `rule` for multiple."""
        ticked = [value == 1 for value in submitted[0][0]]
        should = [bool(value) for value in answer[0][0]]
        if params.kind != "multiple" or not params.partial:
            return 1.0 if ticked == should else 0.0
        n_right, n_wrong = sum(should), len(should) - sum(should)
        hits = sum(t and s for t, s in zip(ticked, should))
        false_ticks = sum(t and not s for t, s in zip(ticked, should))
        cost = {
            "false": 1 / n_wrong if n_wrong else 0.0,
            "false2": 1 / max(n_wrong, 2),
            "true": 1 / n_right,
            "all": 1.0,
            "none": 0.0,
        }[params.rule]
        return max(0.0, hits / n_right - false_ticks * cost)

    def comment(self, params: ChoiceParams, submitted: Submitted) -> str | None:
        """The spec's feedback for every option judged wrong (or the explanation)."""
        if not submitted or not submitted[0] or len(submitted[0][0]) != len(params.options):
            return None
        said = []
        for letter, option, value in zip(params.letters, params.options, submitted[0][0]):
            if (value == 1) != option.correct and option.feedback:
                what = "you ticked it" if value == 1 else "you left it out"
                said.append(f"{letter} ({what}): {_sentence(option.feedback)}")
        if not said and params.explanation:
            said.append(params.explanation)
        return " ".join(said) or None


def _sentence(text: str) -> str:
    """`text` ending with a full stop (or the ? or ! it has)."""
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else text + "."


def _answer_text(params: ChoiceParams, right: list[str]) -> str:
    if params.kind == "truefalse":
        head = f"The statement is {'true' if params.options[0].correct else 'false'}."
    elif len(right) == 1:
        head = f"The right option is {right[0]}."
    else:
        head = f"The right options are {', '.join(right[:-1])} and {right[-1]}."
    return f"{head} {params.explanation}".strip()
