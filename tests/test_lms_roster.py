"""Rosters exported by Canvas and Moodle (fixtures shaped as their exports: BOM, Points Possible and
Manual Posting rows, quoted names with commas and doubled quotes, CRLF) and CSVs with other headers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import HOMEWORK, run

from exercisegen.errors import RosterError
from exercisegen.lms_roster import ColumnChoice, read_roster

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "lms"


def fixture(name: str):
    return read_roster((FIXTURES / name).read_bytes(), name)


def test_canvas_gradebook_export_skips_points_possible_and_posting_rows():
    roster = fixture("canvas_gradebook_export.csv")
    assert (roster.source, roster.id_column, roster.name_column, roster.email_column) == (
        "canvas",
        "SIS User ID",
        "Student",
        "",
    )
    assert [(s.id, s.name, s.email) for s in roster.students] == [
        ("s1001", "Doe, Jane", ""),
        ("s1002", "Núñez, José", ""),
        ("s1003", "O'Brien, Pat", ""),
    ]
    assert dict(roster.students[1].lms) == {
        "ID": "5679",
        "SIS User ID": "s1002",
        "SIS Login ID": "jnunez@uni.example",
        "Section": "Section A, Section B",
    }


def test_canvas_export_without_sis_ids_takes_canvas_user_ids():
    text = (FIXTURES / "canvas_gradebook_export.csv").read_text(encoding="utf-8-sig")
    text = text.replace(",s1002,", ",,")  # one student without an SIS id
    roster = read_roster(text.encode(), "c.csv")
    assert roster.id_column == "ID"
    assert [s.id for s in roster.students] == ["5678", "5679", "5680"]


def test_moodle_participants_export_joins_first_and_last_names_and_keeps_emails():
    roster = fixture("moodle_participants.csv")
    assert (roster.source, roster.id_column, roster.name_column, roster.email_column) == (
        "moodle",
        "ID number",
        "First name + Last name",
        "Email address",
    )
    assert [(s.id, s.name, s.email) for s in roster.students] == [
        ("20231001", "Jane Doe", "jane.doe@uni.example"),
        ("20231002", "José Núñez", "jose.nunez@uni.example"),
        ("20231003", 'Pat "PJ" O\'Brien', "pat.obrien@uni.example"),
    ]


def test_moodle_grades_export_with_empty_id_numbers_uses_email_addresses():
    roster = fixture("moodle_grades_export.csv")  # CRLF line ends, `ID number` empty for everyone
    assert roster.id_column == "Email address"
    assert [s.id for s in roster.students] == [
        "jane.doe@uni.example",
        "jose.nunez@uni.example",
        "pat.obrien@uni.example",
    ]


def test_moodle_grading_worksheet_keeps_the_participant_identifier():
    roster = fixture("moodle_grading_worksheet.csv")
    assert (roster.source, roster.id_column, roster.name_column) == ("moodle", "Email address", "Full name")
    assert dict(roster.students[0].lms) == {"Email address": "jane.doe@uni.example", "Identifier": "Participant 12345"}


def test_plain_csv_with_other_headers_is_detected_and_columns_can_be_named():
    data = "Student Number;Full Name;E-mail;Group\n7001;Ann Lee;ann@x.example;A\n7002;Bo Li;bo@x.example;B\n"
    roster = read_roster(data.encode(), "r.csv")
    assert (roster.id_column, roster.name_column, roster.email_column) == ("Student Number", "Full Name", "E-mail")
    assert [(s.id, s.name, s.email) for s in roster.students] == [
        ("7001", "Ann Lee", "ann@x.example"),
        ("7002", "Bo Li", "bo@x.example"),
    ]
    named = read_roster(data.encode(), "r.csv", ColumnChoice(id="e-mail", name="group"))
    assert [(s.id, s.name) for s in named.students] == [("ann@x.example", "A"), ("bo@x.example", "B")]


@pytest.mark.parametrize(
    "data, columns, message",
    [
        (
            "Matrikel,Vorname\n1,Ann\n",
            ColumnChoice(),
            "r.csv:1: cannot tell which column holds the student ids; columns found: 'Matrikel', 'Vorname'; "
            "name it with --id-column (and --name-column, --email-column)",
        ),
        (
            "Matrikel,Vorname\n1,Ann\n",
            ColumnChoice(id="Matrikelnummer"),
            "r.csv:1: no column 'Matrikelnummer' for --id-column; columns found: 'Matrikel', 'Vorname'",
        ),
        (
            "Matrikel,Vorname\n1,Ann\n2,Bo\n1,Cy\n",
            ColumnChoice(id="Matrikel"),
            "r.csv:4: duplicate student id '1' (first on line 2); ids must be unique",
        ),
        (
            "Matrikel,Vorname\n1,Ann\n,Bo\n",
            ColumnChoice(id="Matrikel", name="Vorname"),
            "r.csv:3: empty `Matrikel` for 'Bo'; fill it in, or take the ids from another column with --id-column",
        ),
    ],
)
def test_roster_errors_are_one_line_naming_file_line_and_columns(data, columns, message):
    with pytest.raises(RosterError) as info:
        read_roster(data.encode(), "r.csv", columns)
    assert str(info.value) == message


def test_canvas_duplicate_ids_are_reported_at_the_files_own_line():
    text = (FIXTURES / "canvas_gradebook_export.csv").read_text(encoding="utf-8-sig") + (
        '"Doe, Jane again",5690,s1001,jdoe2@uni.example,Section B,,,,,,,,,,,,,,\n'
    )
    with pytest.raises(RosterError) as info:
        read_roster(text.encode(), "c.csv")
    assert str(info.value) == "c.csv:7: duplicate student id 's1001' (first on line 4); ids must be unique"


def test_generate_with_a_moodle_roster_carries_email_and_identity_into_key_json(tmp_path):
    out = tmp_path / "out"
    result = run("generate", HOMEWORK, "--roster", FIXTURES / "moodle_grading_worksheet.csv", "--out", out, "--no-pdf")
    assert result.exit_code == 0, result.output
    assert (
        "roster: Moodle export, 3 students; ids from `Email address`; names from `Full name`; "
        "emails from `Email address`; kept `Email address`, `Identifier`\n"
    ) in result.output
    key = json.loads((out / "key.json").read_text())
    assert key["roster"] == {"source": "moodle", "id_column": "Email address"}
    first = key["variants"][0]
    assert list(first)[:6] == ["code", "student_id", "student_name", "student_email", "lms", "problems"]
    assert first["student_email"] == "jane.doe@uni.example"
    assert first["lms"] == {"Email address": "jane.doe@uni.example", "Identifier": "Participant 12345"}
    assert len(list((out / "answers").iterdir())) == 3


def test_plain_roster_keeps_key_json_shape_and_empty_emails_are_absent(tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text("id,name,email\ns1,Ann,ann@x.example\ns2,Bo,\n")
    out = tmp_path / "out"
    assert run("generate", HOMEWORK, "--roster", roster, "--out", out, "--no-pdf").exit_code == 0
    variants = json.loads((out / "key.json").read_text())["variants"]
    assert variants[0]["student_email"] == "ann@x.example"
    assert "student_email" not in variants[1] and "lms" not in variants[1]
    classic = tmp_path / "c.csv"
    classic.write_text("id,name\ns1,Ann\n")
    out2 = tmp_path / "out2"
    result = run("generate", HOMEWORK, "--roster", classic, "--out", out2, "--no-pdf")
    assert "roster:" not in result.output
    doc = json.loads((out2 / "key.json").read_text())
    assert list(doc) == ["set", "spec_sha256", "seed", "variants"]
    assert list(doc["variants"][0]) == ["code", "student_id", "student_name", "problems"]


def test_column_options_need_a_roster(tmp_path):
    result = run("generate", HOMEWORK, "--variants", 2, "--id-column", "x", "--out", tmp_path / "o", "--no-pdf")
    assert result.exit_code == 2
    assert result.output == "Error: --id-column, --name-column and --email-column need --roster FILE\n"
