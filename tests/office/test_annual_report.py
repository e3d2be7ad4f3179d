"""The annual summary (年度学法情况.docx) of the simulated office: it opens, has the title, the
sections, the tables and exactly one chart; every paragraph is one of the known templates filled
with numbers, dates or titles from the records (no free text); and its figures equal the ones
recomputed from the raw rows (tests/office_expected.py). The chart survives a machine without a
CJK font."""
from __future__ import annotations

import re

import docx
import pytest

import office_expected as ex
from assistant.office import annual_report
from assistant.office.annual_report import TEMPLATES, TITLE_FIELDS, chart_png

FIELD = {"titles": "(?:《[^》]+》)+", "law": "《[^》]+》"}  # titles as the report quotes them
NUMBER = re.compile(r"^\d+(\.\d+)?$|^\d{4}-\d{2}-\d{2}$")


def _pattern(template: str) -> re.Pattern:
    parts = re.split(r"\{(\w+)\}", template)
    out = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>{FIELD.get(p, '.+?')})" for i, p in enumerate(parts))
    return re.compile(f"^{out}$")


PATTERNS = {key: _pattern(t) for key, t in TEMPLATES.items()}


def _parse(text: str) -> tuple[str, dict]:
    for key, pattern in PATTERNS.items():
        m = pattern.match(text)
        if m:
            return key, m.groupdict()
    raise AssertionError(f"not a template sentence: {text!r}")


@pytest.fixture(scope="module")
def report(sim_office, tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "学法情况.docx"
    d, written = sim_office.dashboard.annual_report(2026, path)
    return d, docx.Document(str(written))


def test_every_paragraph_is_a_template_filled_with_figures(report, sim_office):
    d, doc = report
    titles = {w.law for w in d.weakest_laws} | {x.law for x in d.laws_studied}
    chapters = {w.chapter for w in d.weakest_chapters}
    keys = []
    for para in doc.paragraphs:
        if not para.text.strip():
            assert para._p.xpath(".//pic:pic"), "an empty paragraph holds the chart"
            continue
        key, values = _parse(para.text)
        keys.append(key)
        for name, value in values.items():
            if name == "chapter":
                assert value in chapters
            elif name in TITLE_FIELDS:  # 《…》《…》: titles as stored
                assert set(re.findall(r"《([^》]+)》", value)) <= titles and re.fullmatch(r"(《[^》]+》)+", value)
            else:
                assert NUMBER.match(value), (key, name, value)
    assert keys[:2] == ["title", "period"] and keys[-1] == "footer"
    assert {"h_basic", "h_study", "h_exam", "h_laws", "h_weak", "staff", "participation", "plans", "inactive",
            "exam_office", "laws", "weak_law", "weak_chapter", "chart"} <= set(keys)
    assert doc.paragraphs[0].text == "2026 年度学法情况"


def test_the_report_has_the_tables_and_exactly_one_chart(report):
    d, doc = report
    assert len(doc.inline_shapes) == 1
    assert len(doc.tables) == 4  # departments, exams, laws, weakest chapters
    depts = [[c.text for c in r.cells] for r in doc.tables[0].rows[1:]]
    assert [r[1] for r in depts] == [g.name for g in d.departments]
    laws = [r.cells[0].text for r in doc.tables[2].rows[1:]]
    assert laws == [x.law for x in d.laws_studied]


def test_the_reports_figures_are_the_rows(report, sim_office, quiz_store):
    d, doc = report
    want = ex.expected(sim_office.records, quiz_store, d.period.start, d.as_of)
    staff = list(want["people"].values())
    g = ex.group(staff)
    said = dict(_parse(p.text) for p in doc.paragraphs if p.text.strip())
    assert said["period"] == {"start": "2026-01-01", "end": "2026-03-05"}
    assert said["staff"] == {"staff": "12", "departments": "3"}
    total_minutes = sum(p.minutes["period"] for p in staff)
    assert said["participation"] == {"active": str(g["active"]), "participation": f"{100 * g['active'] / 12:.1f}",
                                     "total_hours": f"{total_minutes / 60:.1f}",
                                     "mean_hours": f"{total_minutes / 60 / 12:.1f}"}
    assert said["plans"] == {"plans": "2", "completion": f"{100 * g['mean_completion']:.1f}",
                             "completed": str(g["completed"]), "mastered": str(g["mastered"])}
    assert said["inactive"] == {"as_of": "2026-03-05", "inactive": str(g["inactive"]), "days": "14"}
    assert said["exam_office"] == {
        "exams": "1", "assigned": str(g["exam_assigned"]), "submitted": str(g["exam_submitted"]),
        "participation": f"{100 * g['exam_submitted'] / g['exam_assigned']:.1f}", "passed": str(g["exam_passed"]),
        "pass_rate": f"{100 * g['exam_passed'] / g['exam_submitted']:.1f}"}
    studied_laws = {law for _u, _a, law, day in want["progress"] if d.period.start <= day <= d.as_of}
    assert said["laws"]["laws"] == str(len(studied_laws))
    assert set(re.findall(r"《([^》]+)》", said["laws"]["titles"])) == studied_laws
    law, _ch, n, c = ex.weakest(want["answers"], chapters=False)[0]
    assert said["weak_law"] == {"law": f"《{law}》", "accuracy": f"{100 * c / n:.1f}", "answered": str(n)}
    law, chapter, n, c = ex.weakest(want["answers"], chapters=True)[0]
    assert said["weak_chapter"] == {"law": f"《{law}》", "chapter": chapter, "accuracy": f"{100 * c / n:.1f}",
                                    "answered": str(n)}


def test_without_a_cjk_font_the_chart_still_reads(monkeypatch, sim_office, tmp_path):
    png, cjk = chart_png(["综合科", "办公室"], [1.5, 2.25], font=None)
    assert png.startswith(b"\x89PNG") and cjk is False
    png, cjk = chart_png(["综合科"], [1.0], font=str(tmp_path / "missing.ttc"))
    assert png.startswith(b"\x89PNG") and cjk is False
    monkeypatch.setattr(annual_report, "cjk_font", lambda: None)
    _d, path = sim_office.dashboard.annual_report(2026, tmp_path / "ascii.docx")
    doc = docx.Document(str(path))
    assert TEMPLATES["chart_ascii"] in [p.text for p in doc.paragraphs] and len(doc.inline_shapes) == 1


def test_a_cjk_font_is_found_where_ci_installs_it():
    font = annual_report.cjk_font()
    if font is None:
        pytest.skip("no CJK font on this machine (CI installs fonts-noto-cjk)")
    png, cjk = chart_png(["综合科", "办公室"], [1.5, 2.25])
    assert cjk and png.startswith(b"\x89PNG")
