"""Throughput and scale-out: progress lines, sharded generate/grade and their merges, Dask, the fast
paths (small integer convolutions, PDF form fields) against the slow ones."""

from __future__ import annotations

import filecmp
import io
import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import HOMEWORK, run

from exercisegen.cli import main


def _same_tree(a: Path, b: Path) -> None:
    """Every file of both folders exists in the other with the same bytes."""
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b
    for rel in files_a:
        assert filecmp.cmp(a / rel, b / rel, shallow=False), rel


def _invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    """An unsharded 6-student set with PDFs."""
    out = tmp_path_factory.mktemp("plain") / "set"
    result = run("generate", HOMEWORK, "--variants", 6, "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    return out


def test_sharded_generate_merges_into_the_unsharded_set_byte_for_byte(plain, tmp_path):
    shards = []
    for k in (1, 2, 3):
        folder = tmp_path / f"shard{k}"
        result = run("generate", HOMEWORK, "--variants", 6, "--shard", f"{k}/3", "--out", folder, "-q", "--jobs", 1)
        assert result.exit_code == 0, result.output
        shards.append(folder)
    sizes = [len(list((s / "answers").iterdir())) for s in shards]
    assert sum(sizes) == 6 and all(sizes)  # disjoint slices that cover the class
    result = run("merge", shards[2], shards[0], shards[1], "--out", tmp_path / "merged", "-q")
    assert result.exit_code == 0, result.output
    _same_tree(plain, tmp_path / "merged")


def test_merge_says_which_shard_is_missing(tmp_path):
    folders = []
    for k in (1, 3):
        folders.append(tmp_path / f"s{k}")
        assert (
            run("generate", HOMEWORK, "--variants", 4, "--shard", f"{k}/3", "--no-pdf", "--out", folders[-1]).exit_code
            == 0
        )
    result = run("merge", *folders, "--out", tmp_path / "m")
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == "Error: shards 2 of 3 are missing; give every shard"
    assert not (tmp_path / "m").exists()


def test_shard_must_be_k_of_n(tmp_path):
    result = run("generate", HOMEWORK, "--shard", "4/3", "--out", tmp_path / "x")
    assert result.exit_code == 2
    assert "Error: --shard must be K/N with 1 <= K <= N (e.g. 3/8), got '4/3'" in result.output


def test_sharded_grading_merges_into_the_unsharded_grades_byte_for_byte(plain, tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    for i, sheet in enumerate(sorted((plain / "answers").iterdir())[:5]):
        text = sheet.read_text(encoding="utf-8")
        (subs / sheet.name).write_text(text.replace("?", str(i)), encoding="utf-8")
    (subs / "junk.yaml").write_text("not: [an answer sheet\n", encoding="utf-8")
    key = plain / "key.json"
    plain_grades = tmp_path / "grades"
    assert run("grade", "--key", key, subs, "--out", plain_grades, "-q").exit_code == 1
    shards = [tmp_path / f"g{k}" for k in (1, 2)]
    for k, folder in enumerate(shards, 1):
        assert run("grade", "--key", key, subs, "--out", folder, "--shard", f"{k}/2", "-q").exit_code == 0
    result = run("merge-grades", "--key", key, *reversed(shards), "--out", tmp_path / "merged", "-q")
    assert result.exit_code == 1, result.output
    _same_tree(plain_grades, tmp_path / "merged")


def test_progress_is_one_line_per_ten_percent_off_a_terminal_and_quiet_silences_it(tmp_path):
    result = _invoke("generate", HOMEWORK, "--variants", 3, "--out", tmp_path / "a", "--jobs", 1)
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines[:3] == [
        "generate: 1/3 students (33 %)",
        "generate: 2/3 students (66 %)",
        "generate: 3/3 students (100 %)",
    ]
    assert re.fullmatch(r"generate: 3 students, 8 PDFs in \d+\.\d s", lines[3])
    assert len(lines) == 4
    quiet = _invoke("generate", HOMEWORK, "--variants", 3, "--out", tmp_path / "b", "--jobs", 1, "--quiet")
    assert quiet.exit_code == 0 and quiet.stderr == ""
    assert quiet.stdout.startswith("wrote ")


def test_progress_steps_by_ten_percent_for_many_items():
    from exercisegen.progress import Progress

    out = io.StringIO()
    with Progress("grade", 200, "files", stream=out) as progress:
        for _ in range(200):
            progress(1)
    lines = out.getvalue().splitlines()
    assert lines == [f"grade: {20 * i}/200 files ({10 * i} %)" for i in range(1, 11)]


def test_dask_run_is_byte_identical_to_a_plain_run(plain, tmp_path):
    pytest.importorskip("dask.distributed")
    from dask.distributed import LocalCluster

    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None, protocol="tcp"
    ) as cluster:
        result = run(
            "generate", HOMEWORK, "--variants", 6, "--out", tmp_path / "d", "--dask", cluster.scheduler_address
        )
    assert result.exit_code == 0, result.output
    _same_tree(plain, tmp_path / "d")


def test_small_integer_convolutions_by_loops_equal_numpy(monkeypatch):
    from exercisegen import solver

    rng = np.random.default_rng(7)
    used = []
    loops = solver._scatter_loops
    monkeypatch.setattr(solver, "_scatter_loops", lambda *a: used.append(1) or loops(*a))
    for _ in range(150):
        g = int(rng.choice([1, 2]))
        c_in, c_out = g * int(rng.integers(1, 3)), g * int(rng.integers(1, 3))
        x = rng.integers(-9, 10, (c_in, int(rng.integers(1, 5)), int(rng.integers(1, 5))))
        kernel = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        s, p, d = (int(rng.integers(1, 4)) for _ in range(3))
        args = {"stride": s, "dilation": d, "groups": g}
        wt = rng.integers(-5, 6, (c_in, c_out // g, *kernel))
        wc = rng.integers(-5, 6, (c_out, c_in // g, *kernel))
        op = int(rng.integers(0, max(s, d)))
        results = []
        for small in (solver.SMALL_EXACT, 0):
            monkeypatch.setattr(solver, "SMALL_EXACT", small)
            try:
                t = solver.conv_transpose2d(x, wt, padding=p, output_padding=op, **args)
            except solver.ParameterError:
                t = None
            try:
                c = solver.conv2d(x, wc, padding=p, **args)
            except solver.ParameterError:
                c = None
            results.append((t, c))
        (t1, c1), (t2, c2) = results
        assert (t1 is None) == (t2 is None) and (c1 is None) == (c2 is None)
        if t1 is not None:
            assert t1.dtype == t2.dtype == np.int64 and np.array_equal(t1, t2)
        if c1 is not None:
            assert c1.dtype == c2.dtype and np.array_equal(c1, c2)
    assert used  # the loops did run


def test_integer_sums_beyond_int64_leave_the_loops_to_numpy():
    from exercisegen import solver

    big = 2**62
    out = solver.conv_transpose2d([[big, big]], [[4]])
    assert out.dtype == np.int64 and out.tolist() == (np.array([[big, big]]) * 4).tolist()


def test_pdf_fields_read_from_the_field_tree_equal_pypdfs_get_fields(plain):
    from pypdf import PdfReader, PdfWriter

    from exercisegen.pdffields import read_pdf_fields, read_pdf_fields_full

    source = sorted((plain / "worksheets").iterdir())[0]
    writer = PdfWriter(clone_from=PdfReader(source))
    values = {name: str(i) for i, name in enumerate(writer.get_fields() or {}) if name.count(":") == 3}
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    filled = io.BytesIO()
    writer.write(filled)
    for data in (source.read_bytes(), filled.getvalue()):
        reader = PdfReader(io.BytesIO(data))
        assert read_pdf_fields(reader) == read_pdf_fields_full(PdfReader(io.BytesIO(data)))
    assert {
        k: str(v) for k, v in read_pdf_fields(PdfReader(io.BytesIO(filled.getvalue()))).items() if k in values
    } == values
