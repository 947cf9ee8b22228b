"""Canvas (Classic Quizzes) QTI 1.2 package: a `.zip` with `imsmanifest.xml` and one assessment per problem.

Canvas imports each assessment as a quiz and puts its questions into a question bank of the same name, so a
quiz can draw one random question per student from each problem's bank. Every variant of a problem is one
`fill_in_multiple_blanks_question` with a blank per answer cell, shaped as Canvas's own exporter and
importer expect (read from their code, where its docs are silent):
- blank names only `[A-Za-z0-9_.-]` (here `b0_r1_c2`), written `[b0_r1_c2]` in the question text;
- one `<response_lid ident="response_NAME">` per blank whose `<mattext>` is exactly NAME;
- each accepted answer a `<response_label>` with its own ident; Canvas matches the typed text exactly, so
  every spelling is listed (`-3`, the Unicode minus `−3`, `-3.0` for integers);
- scoring conditions `<varequal respident="response_NAME">` hold the *label ident*, each adding 100/blanks;
- points come only from the `points_possible` metadata; the worked solution is the neutral feedback.
Canvas cannot express a numeric tolerance per blank or feedback per wrong value (see README).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from html import escape
from typing import Any

from exercisegen.export.html import QuizItem, problem_html, quiz_item, solution_html
from exercisegen.notation import MINUS, one_line
from exercisegen.variants import Key, Problem

_FIXED_TIME = (2020, 1, 1, 0, 0, 0)  # zip entry dates: the same inputs give the same bytes


def blank_name(b: int, r: int, c: int) -> str:
    """The blank of answer cell (block, row, col)."""
    return f"b{b}_r{r}_c{c}"


def spellings(value: Any) -> list[str]:
    """The texts Canvas should accept for a number (its matching is by exact text)."""
    if isinstance(value, float) and not value.is_integer():
        text = repr(value)
        forms = [text]
    else:
        number = int(value)
        text = str(number)
        forms = [text, f"{text}.0"]
        if number >= 0:
            forms.append(f"+{text}")
    forms += [f.replace("-", MINUS) for f in forms if "-" in f]
    return list(dict.fromkeys(forms))


def _ident(*parts: str) -> str:
    """A stable identifier (Canvas wants them unique, not meaningful)."""
    return "g" + hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:24]


def _field(label: str, entry: str) -> str:
    return (
        f"<qtimetadatafield><fieldlabel>{escape(label)}</fieldlabel>"
        f"<fieldentry>{escape(entry)}</fieldentry></qtimetadatafield>"
    )


def _item(key: Key, code: str, item: QuizItem) -> str:
    problem = item.problem
    cells = [
        (b, r, c)
        for b, block in enumerate(item.answer)
        for r, row in enumerate(block)
        for c in range(len(row))
    ]
    ident = _ident(key.set_title, code, problem.id)
    text = problem_html(item, lambda b, r, c: f"[{blank_name(b, r, c)}]")
    share = f"{100 / len(cells):.4f}"
    lids, conditions = [], []
    for b, r, c in cells:
        name = blank_name(b, r, c)
        labels = []
        for n, spelling in enumerate(spellings(item.answer[b][r][c])):
            label = f"{ident}_{name}_{n}"
            labels.append(
                f'<response_label ident="{label}"><material><mattext texttype="text/plain">'
                f"{escape(spelling)}</mattext></material></response_label>"
            )
            conditions.append(
                f'<respcondition><conditionvar><varequal respident="response_{name}">{label}</varequal>'
                f'</conditionvar><setvar varname="SCORE" action="Add">{share}</setvar></respcondition>'
            )
        lids.append(
            f'<response_lid ident="response_{name}"><material><mattext>{name}</mattext></material>'
            f"<render_choice>{''.join(labels)}</render_choice></response_lid>"
        )
    points = f"{float(problem.points):.1f}"
    return "".join(
        [
            f'<item ident="{ident}" title="{escape(one_line(f"{problem.id} · {code}"))}">',
            "<itemmetadata><qtimetadata>",
            _field("question_type", "fill_in_multiple_blanks_question"),
            _field("points_possible", points),
            _field("assessment_question_identifierref", _ident("bank", ident)),
            "</qtimetadata></itemmetadata>",
            f'<presentation><material><mattext texttype="text/html">{escape(text)}</mattext></material>',
            "".join(lids),
            "</presentation>",
            '<resprocessing><outcomes><decvar maxvalue="100" minvalue="0" varname="SCORE" vartype="Decimal"/>'
            "</outcomes>",
            '<respcondition continue="Yes"><conditionvar><other/></conditionvar>'
            '<displayfeedback feedbacktype="Response" linkrefid="general_fb"/></respcondition>',
            "".join(conditions),
            "</resprocessing>",
            '<itemfeedback ident="general_fb"><flow_mat><material>'
            f'<mattext texttype="text/html">{escape(solution_html(item))}</mattext>'
            "</material></flow_mat></itemfeedback>",
            "</item>",
        ]
    )


def assessment_title(key: Key, problem_id: str) -> str:
    """The quiz (and question bank) name of one problem."""
    return one_line(f"{key.set_title} · {problem_id}")


def _assessment(key: Key, problem_id: str, ident: str) -> str:
    items = []
    for variant in key.variants:
        problem: Problem = next(p for p in variant.problems if p.id == problem_id)
        items.append(_item(key, variant.code, quiz_item(problem)))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<questestinterop xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://www.imsglobal.org/xsd/ims_qtiasiv1p2 '
        'http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd">\n'
        f'<assessment ident="{ident}" title="{escape(assessment_title(key, problem_id))}">'
        "<qtimetadata>" + _field("cc_maxattempts", "1") + "</qtimetadata>"
        '<section ident="root_section">' + "".join(items) + "</section></assessment></questestinterop>\n"
    )


def _meta(key: Key, problem_id: str, ident: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<quiz identifier="{ident}" xmlns="http://canvas.instructure.com/xsd/cccv1p0">'
        f"<title>{escape(assessment_title(key, problem_id))}</title>"
        "<quiz_type>assignment</quiz_type><shuffle_answers>false</shuffle_answers>"
        "</quiz>\n"
    )


def _manifest(key: Key, idents: list[str]) -> str:
    resources = []
    for ident in idents:
        meta = _ident("meta", ident)
        resources.append(
            f'<resource identifier="{ident}" type="imsqti_xmlv1p2"><file href="{ident}/{ident}.xml"/>'
            f'<dependency identifierref="{meta}"/></resource>'
            f'<resource identifier="{meta}" type="associatedcontent/imscc_xmlv1p1/learning-application-resource" '
            f'href="{ident}/assessment_meta.xml"><file href="{ident}/assessment_meta.xml"/></resource>'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<manifest identifier="{_ident("manifest", key.set_title)}" '
        'xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1">'
        "<metadata><schema>IMS Content</schema><schemaversion>1.1.3</schemaversion></metadata>"
        "<organizations/><resources>" + "".join(resources) + "</resources></manifest>\n"
    )


def canvas_qti_zip(key: Key) -> bytes:
    """The QTI package as zip bytes (deterministic)."""
    problem_ids = [p.id for p in key.variants[0].problems] if key.variants else []
    idents = [_ident("assessment", key.set_title, pid) for pid in problem_ids]
    files = {"imsmanifest.xml": _manifest(key, idents)}
    for pid, ident in zip(problem_ids, idents):
        files[f"{ident}/{ident}.xml"] = _assessment(key, pid, ident)
        files[f"{ident}/assessment_meta.xml"] = _meta(key, pid, ident)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()
