"""LMS download names (who uploaded a file) and reading their zips safely, in memory."""

from __future__ import annotations

import os
import stat
import zipfile

import pytest

from exercisegen import lms_zip
from exercisegen.errors import InputFileError, SubmissionError
from exercisegen.lms_names import Origin, origin_of
from exercisegen.lms_zip import read_zip


@pytest.mark.parametrize(
    "path, origin",
    [
        # Canvas: <sortable name, lower case, only word characters>[_LATE]_<user id>_<attachment id>_<name>
        ("subs.zip/doejane_5678_90001_worksheet.pdf", Origin("canvas", "5678", "doejane", 90001, False)),
        ("doejane_LATE_5678_90002_answers (1).yaml", Origin("canvas", "5678", "doejane", 90002, True)),
        ("late_doejane_5678_90003_answers.yaml", Origin("canvas", "5678", "doejane", 90003, True)),
        ("o_brienpat_5680_90004_hw_3_final.yaml", Origin("canvas", "5680", "o_brienpat", 90004, False)),
        ("anon_Xy7Qa_90005_answers.yaml", Origin("canvas", "", "", 90005, False)),
        # Moodle 3.1+: a folder per participant; before: the same prefix on the file name
        (
            "m.zip/Jane Doe_12345_assignsubmission_file_/answers.yaml",
            Origin("moodle", "12345", "Jane Doe", None, False),
        ),
        ("Jane Doe_12345_assignsubmission_file_answers.yaml", Origin("moodle", "12345", "Jane Doe", None, False)),
        ("Participant_12346_assignsubmission_file_/w.pdf", Origin("moodle", "12346", "Participant", None, False)),
        ("subs/s001.yaml", None),
        ("hw3_answers.yaml", None),
    ],
)
def test_origin_of_reads_canvas_and_moodle_download_names(path, origin):
    assert origin_of(path) == origin


def _zip(path, entries, date=(2025, 11, 3, 10, 15, 0)):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data, *mode in entries:
            info = zipfile.ZipInfo(name, date_time=date)
            info.compress_type = zipfile.ZIP_DEFLATED
            if mode:
                info.external_attr = mode[0] << 16
            archive.writestr(info, data)


def _by_name(found):
    return {name.split(".zip/", 1)[1]: data for name, _, data in found}


def test_zip_entries_are_read_in_memory_and_unsafe_ones_refused(tmp_path):
    z = tmp_path / "subs.zip"
    _zip(
        z,
        [
            ("doejane_5678_90001_answers.yaml", b"set: x\n"),
            ("../escape.yaml", b"x"),
            ("/etc/abs.yaml", b"x"),
            ("link.yaml", b"/etc/passwd", stat.S_IFLNK | 0o777),
            (".DS_Store", b"x"),
            ("__MACOSX/._doejane_5678_90001_answers.yaml", b"x"),
            ("folder/", b""),
            ("bomb.yaml", b"0" * (3 * 1024 * 1024)),
        ],
    )
    before = sorted(os.listdir(tmp_path))
    found = read_zip(str(z))
    assert sorted(os.listdir(tmp_path)) == before  # nothing extracted
    data = _by_name(found)
    assert data["doejane_5678_90001_answers.yaml"] == b"set: x\n"
    assert sorted(data) == [
        "../escape.yaml",
        ".DS_Store",
        "/etc/abs.yaml",
        "bomb.yaml",
        "doejane_5678_90001_answers.yaml",
        "link.yaml",
    ]
    refused = {k: str(v).split(": ", 1)[1] for k, v in data.items() if isinstance(v, SubmissionError)}
    assert refused == {
        "../escape.yaml": "not read: its path leaves the zip (absolute or with `..`)",
        "/etc/abs.yaml": "not read: its path leaves the zip (absolute or with `..`)",
        "link.yaml": "not read: a symbolic link inside the zip",
        ".DS_Store": "skipped: a hidden file (its name starts with a dot); rename it if it is a submission",
        "bomb.yaml": f"not read: packed {3 * 1024 * 1024 // zipfile.ZipFile(z).getinfo('bomb.yaml').compress_size} "
        "times (a zip bomb?)",
    }
    mtimes = {m for _, m, _ in found}
    assert len(mtimes) == 1  # every entry has the zip's one date, as LMS downloads do


def test_zip_size_caps(tmp_path, monkeypatch):
    z = tmp_path / "subs.zip"
    _zip(z, [(f"s{i}.yaml", os.urandom(1000)) for i in range(5)])
    monkeypatch.setattr(lms_zip, "MAX_TOTAL", 2500)
    refused = [d for _, _, d in read_zip(str(z)) if isinstance(d, SubmissionError)]
    assert [str(e) for e in refused] == [
        f"{z}/s{i}.yaml: not read: the zip unpacks to more than 0 MiB; grade it in parts" for i in (2, 3, 4)
    ]
    monkeypatch.setattr(lms_zip, "MAX_ENTRIES", 4)
    with pytest.raises(InputFileError) as info:
        read_zip(str(z))
    assert str(info.value) == f"{z}: the zip holds 5 entries; the limit is 4"
    monkeypatch.setattr(lms_zip, "READ_LIMIT", 1000)
    monkeypatch.setattr(lms_zip, "MAX_ENTRIES", 10)
    monkeypatch.setattr(lms_zip, "MAX_TOTAL", 10**6)
    refused = [d for _, _, d in read_zip(str(z)) if isinstance(d, SubmissionError)]
    assert len(refused) == 5 and "more than the 0 MiB limit" in str(refused[0])


def test_a_file_that_is_not_a_zip_is_a_usage_error(tmp_path):
    z = tmp_path / "subs.zip"
    z.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(InputFileError) as info:
        read_zip(str(z))
    assert str(info.value).startswith(f"{z}: not a readable zip file (")
    assert str(info.value).endswith("); download the submissions again")
