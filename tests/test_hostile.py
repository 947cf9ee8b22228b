"""No student's file, roster line or spec can stop a class (issue 9): one regression test per item
seen, and a deterministic fuzz test of a few hundred hostile files."""

from __future__ import annotations

import csv
import io
import os
import random
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import HOMEWORK, SPECS, run
from fuzzcases import cases, judge, perfect_json, perfect_yaml

from exercisegen.batch import grade_batch
from exercisegen.gradefiles import collect_submissions
from exercisegen.outdir import clean_leftovers, write_atomically
from exercisegen.roster import file_stems
from exercisegen.variants import key_from_json

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def homework(tmp_path_factory):
    """A 3-student homework set without PDFs: (out folder, key)."""
    out = tmp_path_factory.mktemp("set") / "out"
    result = run("generate", HOMEWORK, "--variants", 3, "--out", out, "--no-pdf")
    assert result.exit_code == 0, result.output
    return out, key_from_json((out / "key.json").read_text(), "key.json")


@pytest.fixture(scope="module")
def with_pdf(tmp_path_factory):
    """A 1-student homework set with PDFs: (out folder, key)."""
    out = tmp_path_factory.mktemp("pdfset") / "out"
    result = run("generate", HOMEWORK, "--variants", 1, "--out", out, "--jobs", 1)
    assert result.exit_code == 0, result.output
    return out, key_from_json((out / "key.json").read_text(), "key.json")


def grade_rows(out, subs, grades):
    result = run("grade", "--key", out / "key.json", subs, "--out", grades)
    assert "internal error" not in result.output, result.output
    text = (grades / "gradebook.csv").read_text(encoding="utf-8")
    return result, list(csv.DictReader(io.StringIO(text)))


def filled_pdf(out, key, values_of, source=None) -> bytes:
    """The student's worksheet (or `source` bytes) with every answer box filled by `values_of(problem)`."""
    from pypdf import PdfReader, PdfWriter

    variant = key.variants[0]
    values = {}
    for problem in variant.problems:
        for b, block in enumerate(values_of(problem)):
            for r, row in enumerate(block):
                for c, v in enumerate(row):
                    values[f"{problem.id}:{b}:{r}:{c}"] = str(v)
    source = source or (out / "worksheets" / f"{variant.student_id}.pdf").read_bytes()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(source)))
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# 1. a lone surrogate or an undecodable file name is that file's row; everyone else is graded


def test_lone_surrogates_and_undecodable_names_are_their_own_rows(homework, tmp_path):
    out, key = homework
    v1, v2, v3 = key.variants
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "ok.yaml").write_bytes(perfect_yaml(key, v1))
    (subs / "bad.json").write_text(
        '{"set": "%s", "student": "\\ud800", "variant": "%s", "answers": {}}' % (key.set_title, v2.code)
    )
    (subs / "bad.yaml").write_bytes(perfect_yaml(key, v2).replace(v2.code.encode(), b"\\ud800"))
    (subs / os.fsdecode(b"s003\xff.yaml")).write_bytes(perfect_yaml(key, v3))
    result, rows = grade_rows(out, subs, tmp_path / "grades")
    assert result.exit_code == 1
    by_message = {r["message"].split(":")[0]: r for r in rows}
    assert by_message[f"{subs}/bad.json"]["message"] == (
        f"{subs}/bad.json: student: holds U+D800, which is not a character; "
        f"fix it and run `exercisegen check {subs}/bad.json`"
    )
    bad_yaml = [r["message"] for r in rows if r["message"].startswith(f"{subs}/bad.yaml")]
    assert bad_yaml == [
        f"{subs}/bad.yaml:3: variant: holds U+D800, which is not a character; "
        f"fix it and run `exercisegen check {subs}/bad.yaml`"
    ]
    graded = sorted((r["student_id"], r["percent"], r["status"]) for r in rows if r["status"] == "ok")
    assert graded == [(v1.student_id, "100.0", "ok"), (v3.student_id, "100.0", "ok")]
    assert len(rows) == 5  # two graded, two bad files (naming no one), and v2 without a submission
    assert [r["message"] for r in rows if r["student_id"] == v2.student_id] == ["no submission"]
    results = (tmp_path / "grades" / "results.json").read_text(encoding="utf-8")
    assert "s003\\\\xff.yaml" in results  # the undecodable byte shown as an escape


def test_check_refuses_a_lone_surrogate_in_one_line(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"set": "x", "student": "\\ud800", "variant": "HVWW-32H6", "answers": {}}')
    result = run("check", bad)
    assert (result.exit_code, result.output) == (
        2,
        f"Error: {bad}: student: holds U+D800, which is not a character; fix it and run `exercisegen check {bad}`\n",
    )


# 2. a named pipe is never opened for reading; 12. links and hidden files get a row


def _in_thread(fn, seconds=30):
    box = {}
    thread = threading.Thread(target=lambda: box.setdefault("value", fn()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "hung"
    return box["value"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipes_links_and_hidden_files_get_rows_and_nothing_blocks(homework, tmp_path):
    out, key = homework
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "ok.yaml").write_bytes(perfect_yaml(key, key.variants[0]))
    os.mkfifo(subs / "pipe.yaml")
    (subs / ".hidden.yaml").write_bytes(perfect_yaml(key, key.variants[1]))
    (subs / "link.yaml").symlink_to(subs / "ok.yaml")
    (subs / ".git").mkdir()
    rows = _in_thread(lambda: collect_submissions([str(subs)]))
    reasons = {Path(path).name: (str(data) if isinstance(data, Exception) else "read") for path, _, data in rows}
    assert reasons == {
        ".git": f"{subs}/.git: skipped: a hidden folder (its name starts with a dot); its files are not graded",
        ".hidden.yaml": f"{subs}/.hidden.yaml: skipped: a hidden file (its name starts with a dot); rename it if "
        "it is a submission",
        "link.yaml": f"{subs}/link.yaml: skipped: a symbolic link (links are not followed); put the file itself in "
        "the folder",
        "ok.yaml": "read",
        "pipe.yaml": f"{subs}/pipe.yaml: skipped: a named pipe; only regular files are graded",
    }
    result = _in_thread(lambda: run("check", subs / "pipe.yaml"))
    assert result.output == f"Error: {subs}/pipe.yaml: skipped: a named pipe; only regular files are graded\n"
    result, gradebook = _in_thread(lambda: grade_rows(out, subs, tmp_path / "grades"))
    assert len([r for r in gradebook if r["status"] == "error" and "skipped" in r["message"]]) == 4


# 3. a PDF field named with a non-ASCII digit is ignored, not a crash


def test_pdf_field_with_a_superscript_digit_is_ignored(with_pdf, tmp_path):
    out, key = with_pdf
    blank = (out / "worksheets" / f"{key.variants[0].student_id}.pdf").read_bytes()
    assert b"/T (shape_drawn:0:0:0)" in blank
    blank = blank.replace(b"/T (shape_drawn:0:0:0)", b"/T (shape_drawn:\xb2:0:0)")  # PDFDocEncoding: superscript 2
    weird = filled_pdf(out, key, lambda p: p.answer, source=blank)
    (tmp_path / "w.pdf").write_bytes(weird)
    result = run("check", tmp_path / "w.pdf")
    assert "internal error" not in result.output
    assert result.exit_code == 1 and "shape_drawn: row 1, column 1 is empty" in result.output
    batch = grade_batch(key, [("w.pdf", 1.0, weird)])
    assert [(e.status, e.student_id) for e in batch.entries] == [("graded", key.variants[0].student_id)]


# 8. check without the key agrees with grade on a perfect worksheet PDF (ask_shape's spare boxes)


def test_check_without_key_accepts_a_perfect_pdf_the_grader_gives_full_marks(with_pdf, tmp_path):
    out, key = with_pdf
    assert any(not p.layout.reveal_shape for p in key.variants[0].problems)
    (tmp_path / "perfect.pdf").write_bytes(filled_pdf(out, key, lambda p: p.answer))
    result = run("check", tmp_path / "perfect.pdf")
    assert result.exit_code == 0, result.output
    assert "ready to submit" in result.output
    batch = grade_batch(key, [("perfect.pdf", 1.0, (tmp_path / "perfect.pdf").read_bytes())])
    assert batch.entries[0].result is not None and batch.entries[0].result.percent == 100.0


# 4. Unicode ids and names


def test_non_latin_ids_make_pdfs_and_missing_glyphs_are_named(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name\nŁukasz,Łukasz Żółw\nивана,Иван\n王,王小明\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run("generate", SPECS / "conv_review.yaml", "--roster", roster, "--out", out, "--jobs", 1)
    assert result.exit_code == 0, result.output
    assert len(list((out / "worksheets").glob("*.pdf"))) == 3
    from exercisegen.render.fonts import undrawable

    if undrawable("王小明"):  # no installed font has CJK glyphs: a warning names the student
        assert "Warning: no installed font draws '王小明', used in the name or id of 1 student (王)" in result.output
    assert "Łukasz" not in result.output.split("Warning")[0]
    from pypdf import PdfReader

    key = key_from_json((out / "key.json").read_text(encoding="utf-8"), "key.json")
    stems = file_stems([v.student_id for v in key.variants])
    for variant in key.variants:
        reader = PdfReader(str(out / "worksheets" / f"{stems[variant.student_id]}.pdf"))
        sub = __import__("exercisegen.submissions", fromlist=["x"]).parse_submission(
            (out / "worksheets" / f"{stems[variant.student_id]}.pdf").read_bytes(), "w.pdf"
        )
        assert sub.student_id == variant.student_id
        assert reader.get_fields()["student_id"]["/V"].isascii()


def test_roster_ids_with_bidi_or_control_characters_are_refused_with_the_line(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name\ns1,A\nab\u202ecd,B\n", encoding="utf-8")
    result = run("generate", HOMEWORK, "--roster", roster, "--out", tmp_path / "out", "--no-pdf")
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {roster}:3: the student id 'ab\\\\u202ecd' has the invisible or control character U+202E; "
        "type it again without it\n"
    )


# 5. file names unique after sanitising, case-insensitively, no Windows device names


def test_file_stems_are_unique_case_insensitive_and_not_windows_devices():
    ids = ["a_b-c14cddc0", "a/b", "Ab", "ab", "CON", "nul.txt", "com1"]
    stems = file_stems(ids)
    assert stems["a_b-c14cddc0"] == "a_b-c14cddc0" and stems["Ab"] == "Ab"
    assert len({s.lower() for s in stems.values()}) == len(ids)
    for student_id in ("CON", "nul.txt", "com1"):
        assert stems[student_id].split(".")[0].split("-")[0].upper() in {"CON", "NUL", "COM1"}
        assert "-" in stems[student_id]
    assert file_stems(["a/b", "a_b-c14cddc0"]) == {"a/b": "a_b-c14cddc033f6", "a_b-c14cddc0": "a_b-c14cddc0"}


# 6. huge numbers in a spec are refused at validation, quickly, with FILE:LINE


@pytest.mark.parametrize(
    "old, new, message",
    [
        (
            "    stride: 2\n",
            "    stride: 100000000000000000000\n",
            "problems[1].stride: must be <= 16, got 100000000000000000000",
        ),
        ("    padding: 1\n", "    padding: 1000000\n", "problems[1].padding: must be <= 16, got 1000000"),
        (
            "    stride: 2\n",
            "    stride: 2\n    out_channels: 100000\n",
            "problems[1].out_channels: must be <= 16, got 100000",
        ),
        (
            "    stride: 2\n",
            "    stride: 2\n    in_channels: 100000\n",
            "problems[1].in_channels: must be <= 16, got 100000",
        ),
        ("shape: [5, 5]", "shape: [1000, 1000]", "problems[1].input.shape[0]: must be <= 64, got 1000"),
    ],
)
def test_huge_spec_numbers_are_refused_at_validation(tmp_path, old, new, message):
    text = (SPECS / "conv_review.yaml").read_text()
    assert old in text
    spec = tmp_path / "big.yaml"
    spec.write_text(text.replace(old, new, 1))
    started = time.perf_counter()
    result = run("validate", spec)
    assert time.perf_counter() - started < 30  # a stall guard (these took > 60 s before); generous for loaded CI
    assert result.exit_code == 2
    line = text.replace(old, new, 1).split(new.strip().split("\n")[-1])[0].count("\n") + 1
    assert f"{spec}:{line}: {message}\n" in result.output


def test_largest_draw_output_is_bounded(tmp_path):
    spec = tmp_path / "wide.yaml"
    spec.write_text(
        "title: t\nproblems:\n  - id: p\n    type: transposed_conv\n    input: {shape: [64, 64], values: ones}\n"
        "    kernel: {shape: [3, 3], values: ones}\n    stride: 16\n"
    )
    result = run("validate", spec)
    assert result.output.splitlines()[0] == (
        f"{spec}:5: problems[0].input: the largest draw has an output of 1x1011x1011 = 1022121 numbers; at most "
        "4096 are allowed: make the sizes, strides, dilations or channels smaller"
    )


def test_spec_string_with_a_lone_surrogate_is_a_spec_error(tmp_path):
    spec = tmp_path / "s.yaml"
    spec.write_text('title: "\\ud800"\nproblems: []\n')
    result = run("validate", spec)
    assert result.exit_code == 2
    assert result.output.splitlines()[0] == f"{spec}:1: title: holds U+D800, which is not a character"


def test_bundled_specs_stay_valid():
    result = run("validate", *sorted(SPECS.glob("*.yaml")))
    assert result.exit_code == 0, result.output


# 7. a 2 MiB YAML flow list is refused in well under a second of work


def test_huge_yaml_flow_list_is_refused_fast(homework, tmp_path):
    out, key = homework
    head = perfect_yaml(key, key.variants[0])
    data = head + b"  extra: [" + b",".join([b"1"] * (1024 * 1024 - len(head) // 2 - 20)) + b"]\n"
    assert len(data) <= 2 * 1024 * 1024
    batch = grade_batch(key, [("big.yaml", 1.0, data)])  # about 0.4 s unloaded, 17–32 s before the cap
    (entry,) = [e for e in batch.entries if e.path == "big.yaml"]
    assert entry.message.startswith("big.yaml:")
    assert "more than 20000 values" in entry.message  # refused by the work cap, not after composing it all


# 9. kills: workers die with their parent, SIGTERM and leftovers are cleaned, --force never loses output


@pytest.mark.skipif(sys.platform != "linux", reason="process ids and signals as on Linux")
def test_pool_workers_die_when_their_parent_is_killed(tmp_path):
    script = (
        "import multiprocessing, os, sys, time\n"
        "from exercisegen.workers import die_with_parent\n"
        "def work(_):\n    time.sleep(60)\n"
        "pool = multiprocessing.get_context('fork').Pool(2, initializer=die_with_parent, initargs=(os.getpid(),))\n"
        "pool.map_async(work, [1, 2])\n"
        "time.sleep(0.5)\n"
        "print(' '.join(str(p.pid) for p in multiprocessing.active_children()), flush=True)\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    workers = [int(p) for p in parent.stdout.readline().split()]
    assert len(workers) >= 2
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.time() + 10
    while time.time() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(sys.platform != "linux", reason="signals as on Linux")
def test_sigterm_removes_the_partial_folder(tmp_path):
    script = (
        "import sys, time\nfrom pathlib import Path\nfrom exercisegen.outdir import write_atomically\n"
        "def fill(tmp):\n    (tmp / 'key.json').write_text('{}')\n"
        "    print('filling', flush=True)\n    time.sleep(60)\n"
        f"write_atomically(Path({str(tmp_path / 'out')!r}), False, fill)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert child.stdout.readline() == "filling\n"
    assert [p.name for p in tmp_path.iterdir() if ".partial-" in p.name]
    child.send_signal(signal.SIGTERM)
    assert child.wait(20) == 128 + signal.SIGTERM
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_next_run_removes_leftovers_of_dead_runs_and_restores_an_old_output(tmp_path):
    dead = 2**22 + 12345  # above pid_max's default: no such process
    (tmp_path / f".out.partial-{dead}-abc").mkdir()
    (tmp_path / f".out.old-{dead}-def" / "previous").mkdir(parents=True)
    (tmp_path / f".out.old-{dead}-def" / "previous" / "key.json").write_text("old")
    (tmp_path / f".out.partial-{os.getpid()}-live").mkdir()  # a live run's: kept
    done = clean_leftovers(tmp_path / "out")
    assert done == [
        f"restored {tmp_path / 'out'} from .out.old-{dead}-def",
        f"removed .out.old-{dead}-def",
        f"removed .out.partial-{dead}-abc",
    ]
    assert (tmp_path / "out" / "key.json").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == [f".out.partial-{os.getpid()}-live", "out"]


def test_force_keeps_the_old_output_when_the_new_one_cannot_be_moved_in(tmp_path, monkeypatch):
    import exercisegen.outdir as outdir

    target = tmp_path / "out"
    target.mkdir()
    (target / "key.json").write_text("old")
    monkeypatch.setattr(outdir, "_exchange", lambda a, b: False)  # the rename fallback
    real_rename = os.rename

    def failing_rename(src, dst):
        if ".partial-" in str(src):
            raise OSError(28, "No space left on device")
        real_rename(src, dst)

    monkeypatch.setattr(outdir.os, "rename", failing_rename)
    with pytest.raises(OSError):
        write_atomically(target, True, lambda tmp: (tmp / "key.json").write_text("new"))
    assert (target / "key.json").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_force_replaces_with_the_target_always_present(tmp_path):
    target = tmp_path / "out"
    target.mkdir()
    (target / "key.json").write_text("old")
    seen = []

    def fill(tmp):
        seen.append(target.is_dir())
        (tmp / "key.json").write_text("new")

    write_atomically(target, True, fill)
    assert seen == [True] and (target / "key.json").read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


# 10. a second run to the same --out refuses while the first holds it


@pytest.mark.skipif(sys.platform == "win32", reason="flock")
def test_second_concurrent_run_to_one_out_refuses(homework, tmp_path):
    import fcntl

    out, key = homework
    (tmp_path / "a.yaml").write_bytes(perfect_yaml(key, key.variants[0]))
    with open(tmp_path / ".grades.lock", "w") as lock:
        lock.write("4242\n")
        lock.flush()
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = run("grade", "--key", out / "key.json", tmp_path / "a.yaml", "--out", tmp_path / "grades")
    assert result.exit_code == 2
    assert result.output == (
        f"Error: --out {tmp_path / 'grades'}: another exercisegen run (process 4242) is writing it; wait for it "
        "to finish, or choose another path\n"
    )
    assert not (tmp_path / "grades").exists()
    result = run("grade", "--key", out / "key.json", tmp_path / "a.yaml", "--out", tmp_path / "grades")
    assert result.stdout.startswith("graded 1 of 3 students"), result.output


# 11. a classmate's newer file does not replace a student's own


def test_forged_newer_file_is_a_conflict_row_not_an_override(homework, tmp_path):
    out, key = homework
    victim = key.variants[0]
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "mine.yaml").write_bytes(perfect_yaml(key, victim))
    forged = perfect_yaml(key, victim).replace(b"answers:\n", b"answers:\n  nothing: 1\n")
    forged = forged.replace(f"  {victim.problems[0].id}: |".encode(), f"  {victim.problems[0].id}: |\n    9".encode())
    (subs / "zz-forged.yaml").write_bytes(forged)
    os.utime(subs / "mine.yaml", (1_000_000_000, 1_000_000_000))
    result, rows = grade_rows(out, subs, tmp_path / "grades")
    mine = [r for r in rows if r["student_id"] == victim.student_id]
    assert [r["status"] for r in mine] == ["error", "error"]
    assert all(r["message"].startswith("conflict: 2 files with different answers") for r in mine)
    assert all(r["total"] == "" for r in mine)


# 12. key.json and solutions private in a private folder; answers and worksheets readable


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_key_and_solutions_are_private_and_student_files_readable(with_pdf):
    out, key = with_pdf
    mode = lambda p: stat.S_IMODE(os.stat(p).st_mode)  # noqa: E731
    assert mode(out) == 0o700
    assert mode(out / "key.json") == 0o600
    assert mode(out / "solutions") == 0o700
    assert {mode(p) for p in (out / "solutions").iterdir()} == {0o600}
    assert mode(out / "class-solutions.pdf") == 0o600
    umask = os.umask(0)
    os.umask(umask)
    for path in [*(out / "answers").iterdir(), *(out / "worksheets").iterdir(), out / "class-worksheets.pdf"]:
        assert mode(path) == 0o666 & ~umask


# the fuzz test: a few hundred hostile files, graded as one batch


def test_fuzz_hostile_submissions(homework):
    out, key = homework
    files = cases(key, seed=9, count=300)
    started = time.perf_counter()
    batch = grade_batch(key, files)
    elapsed = time.perf_counter() - started
    assert judge(key, files, batch) == {"internal errors": 0, "rows lost": 0, "wrong grades": 0}
    assert sum(e.result is not None for e in batch.entries) > 20  # the perfect ones and harmless mutations
    assert elapsed < 120  # a stall guard only (about 7 s unloaded); speed is measured in benchmarks/
    from exercisegen.reports import gradebook_csv, results_json

    gradebook_csv(batch).encode("utf-8")  # every string can be written
    __import__("json").dumps(results_json(batch), ensure_ascii=False).encode("utf-8")


def test_fuzz_json_files_through_check(tmp_path):
    rng = random.Random(4)
    from fuzzcases import mutate

    base = b'{"set": "s", "student": "a", "variant": "HVWW-32H6", "answers": {"p": [[1, 2], [3, 4]]}}'
    for i in range(60):
        path = tmp_path / f"c{i}.json"
        path.write_bytes(mutate(base, rng))
        result = run("check", path)
        assert result.exit_code in (0, 1, 2) and "internal error" not in result.output, result.output
        if result.exit_code == 2:
            assert result.output.startswith("Error: ") and result.output.count("\n") == 1, result.output
    assert perfect_json  # shared with the benchmark
