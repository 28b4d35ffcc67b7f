"""The HTML page of a checked document: displays in order, a badge per step, the diagnosis
and counterexample of a refuted step, escaping, and the page in headless Chromium."""
from __future__ import annotations

import html as stdhtml
import re

import pytest
from test_html import _check_layout, browser, external_references  # noqa: F401 (fixture)

from xentsym import document as docs
from xentsym.checkdoc import check_document
from xentsym.render.html.document import page
from xentsym.verify import Options

OPTIONS = Options(samples=200, seed=0, timeout=10)

# A true expansion, the same with the sign of 2ab flipped (a planted slip), an align of two
# true rows, markup in the title and in a \text, and a display with an unclosed brace.
NOTE = r"""# Squares <script>alert(1)</script>

Let $a$ and $b$ be real numbers.

$$
(a + b)^2 = a^2 + 2 a b + b^2
$$

A slip:

$$
(a + b)^2 = a^2 - 2 a b + b^2
$$

Two rows:

\begin{align*}
(a - b)^2 &= a^2 - 2 a b + b^2 \\
&= b^2 - 2 a b + a^2 \quad \text{<b>swap</b>}
\end{align*}

Broken: $$ \frac{1}{2 $$
"""


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    path = tmp_path_factory.mktemp("doc") / "squares<1>.md"
    path.write_text(NOTE, encoding="utf-8")
    report = check_document(str(path), OPTIONS)
    return report, docs.read_document(str(path)), page(report, docs.read_document(str(path)))


def _plain(markup: str) -> str:
    return stdhtml.unescape(re.sub(r"<[^>]+>", "", markup))


def test_displays_in_order_with_their_steps(checked):
    report, doc, html = checked
    sections = re.findall(r'<section class="display" id="doc-[^"]*-(\d+)" data-line="(\d+)"', html)
    lines = [d.line for d in docs.displays(doc)]
    assert [int(line) for _, line in sections] == lines == sorted(lines)
    assert len(lines) == 4  # three checked displays and the broken one
    # The statuses, by hand: the expansion is true, the flipped sign is not, both align
    # rows are true.
    rows = re.findall(r'<tr class="step" data-status="(\w+)" data-line="(\d+)">', html)
    assert [s for s, _ in rows] == ["verified", "refuted", "verified", "verified"]
    assert [s.status for s in report.steps] == [s for s, _ in rows]
    badges = re.findall(r'<span class="badge (\w+)" data-status="(\w+)">', html)
    assert [a for a, b in badges] == [b for a, b in badges] == [s for s, _ in rows]


def test_refuted_step_shows_the_slip_and_a_true_counterexample(checked):
    report, _, html = checked
    (bad,) = [s for s in report.steps if s.status == "refuted"]
    found = html.split('data-status="refuted"', 1)[1].split('<tr class="step"')[0]
    assert 'class="diagnosis"' in found
    assert stdhtml.escape(bad.diagnosis.message) in found
    # The corrected right side is typeset: (a + b)^2 = a^2 + 2ab + b^2.
    corrected = re.search(r"corrected \(the right side\): (<math.*?</math>)", found).group(1)
    assert _plain(corrected).replace(" ", "") == "(a+b)2=a2+2ab+b2"
    # The counterexample shown breaks the step, computed here by hand from its values.
    ce = bad.counterexample
    a, b = ce["values"]["a"], ce["values"]["b"]
    assert abs((a + b) ** 2 - (a * a - 2 * a * b + b * b)) > 1e-6
    assert f"a = {a:.6g}" in found and f"left side = {(a + b) ** 2:.6g}" in found
    assert "assuming a real" in found


def test_verified_steps_name_their_assumptions_and_no_diagnosis(checked):
    _, _, html = checked
    first = html.split('data-status="verified"', 1)[1].split('<tr class="step"')[0]
    assert "assuming a real" in first and "diagnosis" not in first


def test_errors_listed_and_text_escaped(checked):
    report, _, html = checked
    assert report.errors and "unbalanced braces" in html
    assert "<script" not in html and "<b>" not in html
    assert "&lt;b&gt;swap&lt;/b&gt;" in html  # the \text{...} of the align, as text
    assert "squares&lt;1&gt;.md" in html


def test_page_is_self_contained(checked):
    _, _, html = checked
    assert html.startswith("<!DOCTYPE html>")
    assert external_references(html) == []
    assert "default-src 'none'" in html


def test_document_page_in_chromium(browser, checked, tmp_path):  # noqa: F811 (fixture)
    _, _, html = checked
    path = tmp_path / "squares.html"
    path.write_text(html, encoding="utf-8")
    data = browser.load(path.as_uri(), width=1000)
    _check_layout(data, html, "document page")
    statuses = [status for status, _ in data["badges"]]
    assert statuses == ["verified", "refuted", "verified", "verified"]
    assert all(box["w"] > 10 and box["h"] > 5 for _, box in data["badges"])


def test_corpus_page_with_sums_in_chromium(browser, tmp_path):  # noqa: F811 (fixture)
    # A real note with sums, products, argmax and a diagnosed log slip.
    from pathlib import Path
    path = Path(__file__).parent / "corpus" / "forum_answer.md"
    report = check_document(str(path), OPTIONS)
    html = page(report, docs.read_document(str(path)))
    assert html.count('class="diagnosis"') == sum(s.diagnosis is not None for s in report.steps)
    out = tmp_path / "forum.html"
    out.write_text(html, encoding="utf-8")
    data = browser.load(out.as_uri())
    _check_layout(data, html, "forum_answer page")
    assert data["sums"] and len(data["badges"]) == len(report.steps)


def test_cli_writes_the_page(tmp_path, capsys):
    from xentsym.cli import main
    note = tmp_path / "note.md"
    note.write_text(NOTE, encoding="utf-8")
    out = tmp_path / "page.html"
    # Exit 1: a step is refuted and a display is unreadable.
    assert main(["check-doc", str(note), "--format", "html", "-o", str(out),
                 "--samples", "200", "--no-cache"]) in (1, 2)
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.count('<tr class="step"') == 4
    captured = capsys.readouterr()
    assert captured.out == ""  # the page went to the file
    # Two documents: one page, in input order.
    other = tmp_path / "other.md"
    other.write_text("$$\n2 a = a + a\n$$\n", encoding="utf-8")
    assert main(["check-doc", str(other), str(note), "--format", "html", "--samples", "200",
                 "--no-cache"]) in (1, 2)
    both = capsys.readouterr().out
    assert both.index("other.md") < both.index("note.md")
    assert both.count('<tr class="step"') == 5 and "2 documents" in both


def test_cli_output_into_a_missing_folder_is_one_line(tmp_path, capsys):
    from xentsym.cli import main
    note = tmp_path / "note.md"
    note.write_text("$$\n2 a = a + a\n$$\n", encoding="utf-8")
    out = tmp_path / "missing" / "page.html"
    assert main(["check-doc", str(note), "--format", "html", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "missing" in err and "Traceback" not in err
    assert not out.parent.exists()
