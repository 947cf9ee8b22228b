"""Variant derivation: determinism, secrets, codes, class uniqueness, and key answers vs references."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from conftest import SPECS

from exercisegen import steps
from exercisegen.errors import OutputError, RosterError
from exercisegen.outdir import write_atomically
from exercisegen.roster import file_stems, numbered_students, parse_roster
from exercisegen.solver import output_shape
from exercisegen.spec import load_spec, parse_spec
from exercisegen.variants import build_key, check_code, key_from_json, key_to_json, make_code

SMALL_SPEC = """
title: Small set
seed: 7
problems:
  - id: t1
    type: transposed_conv
    input: {shape: [2, 2], values: {int: [-3, 3]}}
    kernel: {shape: [2, 2], values: {int: [-2, 2]}}
    stride: {choice: [1, 2]}
    padding: {range: [0, 1]}
  - id: s1
    type: output_shape
    input_size: {range: [2, 6]}
    kernel_size: {choice: [2, 3]}
    stride: {choice: [1, 2, 3]}
"""


def small_key(students, **kw):
    return build_key(parse_spec(SMALL_SPEC, "small.yaml"), students, **kw)


def test_same_inputs_give_identical_key_json():
    students = numbered_students(20)
    assert key_to_json(small_key(students)) == key_to_json(small_key(students))


def test_another_student_gets_another_variant():
    key = small_key([("alice", ""), ("bob", "")])
    a, b = key.variants
    assert a.problems[0].params != b.problems[0].params
    assert a.code != b.code


def test_a_students_variant_does_not_depend_on_class_size_without_collisions():
    alone = small_key([("alice", "")]).variants[0]
    with_class = small_key([("alice", ""), ("bob", "")]).variants[0]
    assert alone == with_class


def test_another_secret_gives_other_variants_and_codes():
    students = numbered_students(5)
    plain = small_key(students)
    one = small_key(students, secret=b"0123456789abcdef-one")
    two = small_key(students, secret=b"0123456789abcdef-two")
    assert [v.code for v in one.variants] != [v.code for v in two.variants]
    assert [v.problems[0].params for v in one.variants] != [v.problems[0].params for v in two.variants]
    assert [v.problems[0].params for v in plain.variants] != [v.problems[0].params for v in one.variants]


def test_seed_option_overrides_spec_seed():
    students = numbered_students(3)
    assert small_key(students, seed=7) == small_key(students)
    assert small_key(students, seed=8) != small_key(students)


def test_no_two_students_share_a_problem_when_space_allows():
    key = small_key(numbered_students(40))
    seen = [repr(v.problems[0].params) for v in key.variants]
    assert len(set(seen)) == 40


def test_codes_have_valid_check_symbols_and_catch_typos():
    key = small_key(numbered_students(50))
    codes = [v.code for v in key.variants]
    assert len(set(codes)) == 50
    for code in codes:
        assert check_code(code)
        assert check_code(code.lower())
        data = code.replace("-", "")
        for i in range(len(data)):  # every position, the check character included
            for sub in "0123456789ABCDEFGHJKMNPQRSTVWXYZ":
                if sub != data[i]:
                    typo = data[:i] + sub + data[i + 1 :]
                    assert not check_code(typo), typo
        for i in range(len(data) - 1):
            for sub in "0123456789ABCDEFGHJKMNPQRSTVWXYZ":
                if sub != data[i]:
                    typo = data[:i] + sub + data[i + 1 :]
                    assert not check_code(typo), typo
            if data[i] != data[i + 1]:
                swapped = data[:i] + data[i + 1] + data[i] + data[i + 2 :]
                assert not check_code(swapped), swapped


def test_check_characters_look_like_part_of_the_code():
    crockford = set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    checks = set()
    for n in range(2000):
        code = make_code(None, "Codes", 1, f"s{n}")
        assert len(code) == 9 and code[4] == "-" and set(code.replace("-", "")) <= crockford, code
        checks.add(code[-1])
    assert checks == crockford  # every check character is an ordinary code character, none is `*~$=U`


def test_every_single_typo_and_neighbour_swap_of_any_code_is_caught():
    # the check is linear over GF(32), so it suffices to know that no single change and no swap of
    # neighbours maps one codeword to another: try them all on codes spread over the data space
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    for n in range(300):
        code = make_code(None, "Exhaustive", n, "x").replace("-", "")
        for i in range(8):
            for sub in alphabet:
                if sub != code[i]:
                    assert not check_code(code[:i] + sub + code[i + 1 :])
            if i < 7 and code[i] != code[i + 1]:
                assert not check_code(code[:i] + code[i + 1] + code[i] + code[i + 2 :])


def test_code_is_stable_across_runs():
    # a fixed value guards against accidental changes of the derivation (it would orphan issued sheets)
    assert make_code(None, "Small set", 7, "alice") == make_code(None, "Small set", 7, "alice")
    assert check_code(make_code(b"x" * 16, "Small set", 7, "alice"))
    assert not check_code("")
    assert not check_code("ABCD-EFG")


def _naive_transposed(x, w, s, p, op=(0, 0)):
    h, wd, kh, kw = len(x), len(x[0]), len(w), len(w[0])
    out_h = (h - 1) * s[0] - 2 * p[0] + kh + op[0]
    out_w = (wd - 1) * s[1] - 2 * p[1] + kw + op[1]
    out = [[0] * out_w for _ in range(out_h)]
    for i in range(h):
        for j in range(wd):
            for a in range(kh):
                for b in range(kw):
                    r, c = i * s[0] + a - p[0], j * s[1] + b - p[1]
                    if 0 <= r < out_h and 0 <= c < out_w:
                        out[r][c] += x[i][j] * w[a][b]
    return out


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def test_every_answer_of_the_bundled_homework_matches_independent_references():
    key = build_key(load_spec(str(SPECS / "transposed_homework.yaml")), numbered_students(30))
    checked = 0
    for variant in json.loads(key_to_json(key))["variants"]:  # parameters and answers as key.json holds them
        for problem in variant["problems"]:
            p = problem["params"]
            problem = SimpleNamespace(type=problem["type"], answer=problem["answer"])
            if problem.type == "transposed_conv":
                assert p["dilation"] in (1, [1, 1]) and p["groups"] == 1
                expected = _naive_transposed(
                    p["input"], p["kernel"], _pair(p["stride"]), _pair(p["padding"]), _pair(p["output_padding"])
                )
                assert problem.answer == expected
                checked += 1
            elif problem.type == "conv":
                view = steps.window_view(
                    p["input"], p["kernel"], stride=p["stride"], padding=p["padding"], dilation=p["dilation"]
                )
                assert problem.answer == [list(r) for r in view.output]
                checked += 1
            elif problem.type == "output_shape":
                size = output_shape(
                    p["operation"],
                    p["input_size"],
                    p["kernel_size"],
                    stride=p["stride"],
                    padding=p["padding"],
                    output_padding=p["output_padding"],
                    dilation=p["dilation"],
                )
                assert problem.answer == [list(size)]
            elif problem.type == "design":
                s, pad, op = problem.answer[0][-3:]
                k = p["kernel_size"]
                assert (p["input_size"] - 1) * s - 2 * pad + p["dilation"] * (k - 1) + op + 1 == p["output_size"]
                assert 0 <= op < max(s, p["dilation"])
            elif problem.type == "conv_matrix" and p["task"] == "matrix":
                c = problem.answer
                h, w = _pair(p["input_size"])
                x = [[(i * 7 + j * 3) % 5 - 2 for j in range(w)] for i in range(h)]
                conv = steps.window_view(x, p["kernel"], stride=p["stride"], padding=p["padding"]).output
                vec = [v for row in x for v in row]
                assert [sum(cv * xv for cv, xv in zip(row, vec)) for row in c] == [v for row in conv for v in row]
    assert checked >= 60


def test_key_json_round_trips():
    key = small_key(numbered_students(3))
    text = key_to_json(key)
    doc = json.loads(text)
    assert set(doc) == {"set", "spec_sha256", "seed", "variants"}
    assert set(doc["variants"][0]) == {"code", "student_id", "student_name", "problems"}
    assert set(doc["variants"][0]["problems"][0]) == {"id", "type", "points", "params", "answer"}
    back = key_from_json(text, "key.json")
    assert [v.problems[0].answer for v in back.variants] == [v.problems[0].answer for v in key.variants]


# --- rosters and file names -------------------------------------------------------------------


def test_roster_keeps_unicode_names_and_quoted_commas():
    data = 'id,name\ns1,José Núñez\ns2,"Li, Wei"\n'.encode()
    assert parse_roster(data, "r.csv") == [("s1", "José Núñez"), ("s2", "Li, Wei")]


def test_roster_with_bom_and_semicolons():
    data = "\ufeffid;name\ns1;Ann\n".encode()
    assert parse_roster(data, "r.csv") == [("s1", "Ann")]


def test_roster_duplicate_ids_are_refused_with_line_numbers():
    with pytest.raises(RosterError) as err:
        parse_roster(b"id,name\ns1,A\ns2,B\ns1,C\n", "r.csv")
    assert str(err.value) == "r.csv:4: duplicate student id 's1' (first on line 2); ids must be unique"


def test_roster_without_id_column_is_refused():
    with pytest.raises(RosterError) as err:
        parse_roster(b"student,name\ns1,A\n", "r.csv")
    assert str(err.value) == (
        "r.csv:1: no `id` column in the header ['student', 'name']; name the column of student ids `id`"
    )


def test_hostile_ids_become_safe_unique_file_names():
    stems = file_stems(["../../x", "a/b", "a_b", ".hidden", "ok-1", "OK-1"])
    for stem in stems.values():
        assert "/" not in stem and "\\" not in stem and not stem.startswith(".")
    assert stems["ok-1"] == "ok-1"
    assert len(set(s.lower() for s in stems.values())) == 6


# --- atomic output ----------------------------------------------------------------------------


def test_interrupted_run_leaves_no_output_directory(tmp_path):
    target = tmp_path / "out"

    def fill(tmp):
        (tmp / "key.json").write_text("{}")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, False, fill)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_non_empty_directory_needs_force(tmp_path):
    target = tmp_path / "out"
    target.mkdir()
    (target / "old.txt").write_text("x")
    with pytest.raises(OutputError) as err:
        write_atomically(target, False, lambda tmp: None)
    assert str(err.value) == (
        f"--out {target}: directory is not empty; use --force to replace it, or choose another path"
    )
    write_atomically(target, True, lambda tmp: (tmp / "new.txt").write_text("y"))
    assert sorted(p.name for p in target.iterdir()) == ["new.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


# --- balance: the class's draws cycle through the allowed combinations ---------------------------

BALANCED_SPEC = """
title: Balanced
seed: 3
problems:
  - id: t
    type: transposed_conv
    input: {shape: [2, 2], values: {int: [-2, 3]}}
    kernel: {shape: [{choice: [2, 3]}, 3], values: {int: [-1, 2]}}
    stride: {choice: [1, 2]}
    constraints: {overlap: true, nonzero_kernel: true}
    balance: [stride, kernel]
  - id: s
    type: output_shape
    input_size: {range: [2, 5]}
    kernel_size: 3
    stride: {choice: [1, 2, 3]}
    constraints: {max_output_size: 8}
    balance: [stride]
"""


def _counts(key, index, value):
    from collections import Counter

    return Counter(value(v.problems[index].params) for v in key.variants)


@pytest.mark.parametrize("n", [7, 30, 31])
def test_balanced_fields_spread_evenly_over_the_allowed_combinations(n):
    key = build_key(parse_spec(BALANCED_SPEC, "b.yaml"), numbered_students(n))
    # stride 2 with a 2-row kernel cannot overlap: three combinations remain, each dealt out in turn
    pairs = _counts(key, 0, lambda p: (p.stride[0], p.kernel_size))
    assert set(pairs) <= {(1, (2, 3)), (1, (3, 3)), (2, (3, 3))}
    assert max(pairs.values()) - min(pairs.values()) <= 1 and sum(pairs.values()) == n
    if n >= 3:
        assert len(pairs) == 3
    # stride 3 meets max_output_size only for small inputs, yet comes up as often as 1 and 2
    strides = _counts(key, 1, lambda p: p.stride[0])
    assert max(strides.values()) - min(strides.values()) <= 1 and len(strides) == min(n, 3)


def test_balanced_draws_do_not_depend_on_roster_order():
    spec = parse_spec(BALANCED_SPEC, "b.yaml")
    students = numbered_students(12)
    forward = build_key(spec, students)
    backward = build_key(spec, list(reversed(students)))
    mine = {v.student_id: v.problems for v in forward.variants}
    for v in backward.variants:
        # the balanced fields follow the ids' hashes; the rest of the draw may still change through a
        # collision with a classmate (the output_shape problem's space is small)
        assert mine[v.student_id][0] == v.problems[0]
        assert mine[v.student_id][1].params.stride == v.problems[1].params.stride
    assert key_to_json(build_key(spec, students)) == key_to_json(forward)


def test_without_balance_the_constraints_skew_the_strides():
    unbalanced = BALANCED_SPEC.replace("    balance: [stride]\n", "")
    key = build_key(parse_spec(unbalanced, "b.yaml"), numbered_students(90))
    strides = _counts(key, 1, lambda p: p.stride[0])
    assert strides[3] < 25 < strides[1]  # what balance is for


def test_generate_reports_how_the_class_draws_spread(tmp_path):
    from conftest import HOMEWORK, run

    result = run("generate", HOMEWORK, "--variants", 30, "--no-pdf", "--out", tmp_path / "hw")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()  # progress and the summary line go to stderr
    assert lines[1] == "draws across the class:"
    by_problem = {line.split(":")[0].strip(): line for line in lines[2:]}
    assert "stride 1 ×10, 2 ×10, 3 ×10 (balanced)" in by_problem["shape_drawn"]
    assert by_problem["scatter_gather"].startswith(
        "  scatter_gather: stride & kernel 1 & 3×3 ×"
    )  # four combinations, 7 or 8 students each
    assert "stride 1 ×15, 2 ×15 (balanced); kernel 3×3 ×" in by_problem["scatter_gather"]
    assert "conv_as_matrix" not in by_problem  # nothing drawn there but numbers


def test_codes_issued_before_the_new_check_character_are_still_graded_with_their_key():
    from exercisegen.batch import grade_batch
    from exercisegen.variants import Key, Variant

    old = "02H1-4G6*"  # a mod-37 check symbol, as codes had before issue 10
    assert not check_code(old)
    fresh = small_key([("s1", "")])
    key = Key("Small set", "0" * 64, 7, (Variant(old, "s1", "", fresh.variants[0].problems),))
    sheet = {"set": "Small set", "student": "s1", "variant": old, "answers": {}}
    entry = grade_batch(key, [("s1.json", 1.0, json.dumps(sheet).encode())]).entries[0]
    assert entry.status == "graded" and entry.variant_code == old
    typo = dict(sheet, variant="02H1-4G7*")
    entry = grade_batch(key, [("s1.json", 1.0, json.dumps(typo).encode())]).entries[0]
    assert entry.message == "s1.json: variant code '02H1-4G7*' is not valid (a typo?); not graded"
