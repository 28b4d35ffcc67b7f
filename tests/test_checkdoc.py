"""check-doc end to end: the lecture, a document with planted errors, bad files."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from xentsym.checkdoc import check_document
from xentsym.cli import main
from xentsym.verify import Options

LECTURE = Path(__file__).resolve().parents[2] / "shared" / "lecture" / "cross-entropy-lecture.md"

GOOD_AND_BAD = r"""# Notes

$$D_{KL}(p||q) = \sum_{i=1}^n p(x_i) \log\left(\frac{p(x_i)}{q(x_i)}\right)$$

$$D_{KL}(p||q) = \sum_{i=1}^n p(x_i) \log\frac{p(x_i)}{q(x_i)} = \sum_{i=1}^n p(x_i) \log(p(x_i)) - \sum_{i=1}^n p(x_i) \log(q(x_i))$$

$$D_{KL}(p||q) = \sum_{i=1}^n p(x_i) \log\frac{p(x_i)}{q(x_i)} = \sum_{i=1}^n p(x_i) \log(p(x_i)) + \sum_{i=1}^n p(x_i) \log(q(x_i))$$

$$D_{KL}(p||q) = \sum_{i=1}^n p(x_i) \log\frac{p(x_i)}{q(x_i)} = \sum_{i=1}^n q(x_i) \log(q(x_i)) - \sum_{i=1}^n q(x_i) \log(p(x_i))$$

<!-- xentsym: \beta \in (0, 1) -->
$$\log \prod_{i=1}^N \beta^{y_i} = \sum_{i=1}^N y_i \log \beta = \sum_{i=1}^N 2 y_i \log \beta$$
"""


@pytest.mark.skipif(not LECTURE.exists(), reason="the shared lecture is not beside the repo")
def test_lecture_has_no_refuted_step_and_the_bracket_warning():
    report = check_document(str(LECTURE))
    counts = report.summary()
    assert counts["refuted"] == 0
    assert counts["verified"] >= 15
    first_formula_line = next(n for n, ln in enumerate(LECTURE.read_text().splitlines(), 1)
                              if ln.startswith("$$L = -\\frac{1}{N}"))
    assert any(line == first_formula_line and "bracket" in msg
               for line, msg in report.warnings)
    unproven = [s for s in report.steps if s.status == "unproven"]
    assert any(s.message.startswith("q appears on the right only") for s in unproven)


def test_planted_errors_are_refuted_with_counterexamples(tmp_path):
    doc = tmp_path / "notes.md"
    doc.write_text(GOOD_AND_BAD, encoding="utf-8")
    report = check_document(str(doc))
    by_line = {}
    for s in report.steps:
        by_line.setdefault(s.line, []).append(s)
    # D_KL is built in: a document's statement of it is checked, not learned.
    assert [s.status for s in by_line[3]] == ["verified"]
    assert [s.status for s in by_line[5]] == ["verified", "verified"]
    assert [s.status for s in by_line[7]] == ["verified", "refuted"]  # sign flip
    assert [s.status for s in by_line[9]] == ["verified", "refuted"]  # p and q swapped
    assert [s.status for s in by_line[12]] == ["verified", "refuted"]  # wrong coefficient
    for s in report.steps:
        if s.status == "refuted":
            assert s.message.startswith("counterexample")


def test_cli_json_shape_and_exit_codes(tmp_path, capsys):
    doc = tmp_path / "notes.md"
    doc.write_text(GOOD_AND_BAD, encoding="utf-8")
    assert main(["check-doc", str(doc), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"file", "steps", "warnings", "summary"}
    assert set(data["summary"]) == {"verified", "refuted", "unproven", "unparsed", "defined",
                                    "condition", "unchecked"}
    step = data["steps"][0]
    assert set(step) >= {"line", "chain", "step", "lhs", "rhs", "status", "message",
                         "assumptions"}
    assert all(isinstance(a, str) for s in data["steps"] for a in s["assumptions"])
    junk = tmp_path / "junk.md"
    junk.write_bytes(b"$$ a = b $$\x00\xff\xfe")
    assert main(["check-doc", str(junk)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "junk.md" in err and "Traceback" not in err


ANNOTATED = Path(__file__).resolve().parent / "data" / "lecture_annotated.md"


def test_annotated_lecture_verifies_fully(capsys):
    report = check_document(str(ANNOTATED))
    counts = report.summary()
    assert counts["verified"] >= 13
    assert counts["refuted"] == counts["unproven"] == counts["unparsed"] == 0
    assert main(["check-doc", str(ANNOTATED)]) == 0


@pytest.mark.skipif(not LECTURE.exists(), reason="the shared lecture is not beside the repo")
def test_lecture_specialisations_ask_for_the_hint_that_settles_them():
    report = check_document(str(LECTURE))
    unproven = [s for s in report.steps if s.status == "unproven"]
    assert unproven and all("<!-- xentsym:" in s.message for s in unproven
                            if "right only" in s.message)
    # Removing the hints from the annotated copy brings the same questions back.
    assert all(s.status != "refuted" for s in report.steps)


def test_hint_removed_from_annotated_copy_makes_step_unproven(tmp_path):
    text = ANNOTATED.read_text(encoding="utf-8").replace("q = 1 - p; ", "")
    doc = tmp_path / "no-hint.md"
    doc.write_text(text, encoding="utf-8")
    report = check_document(str(doc))
    (step,) = [s for s in report.steps if s.status == "unproven"]
    assert "q" in step.message and "hint" in step.message


@pytest.mark.parametrize("body, expect_status, expect_exit", [
    ("$$a = b\n\ntext", "error", 1),  # unclosed $$: a located failure of the file
    ("$$\\log\\left(p(x_i) = 1$$", "unparsed", 1),  # unbalanced \left
    ("$$\\frobnicate{x} = x = 2 x$$", "unparsed", 1),  # unknown macro
    ("$$\\hat{y}_i \\approx 1 = 2$$", "unparsed", 1),  # notation it will not read
])
def test_malformed_documents(tmp_path, capsys, body, expect_status, expect_exit):
    doc = tmp_path / "bad.md"
    doc.write_text(body, encoding="utf-8")
    assert main(["check-doc", str(doc)]) == expect_exit
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    if expect_status is not None:
        assert expect_status in captured.out


def test_unclosed_display_is_a_located_error(tmp_path):
    doc = tmp_path / "bad.md"
    doc.write_text("intro\n\n$$a = b\n\nmore\n", encoding="utf-8")
    report = check_document(str(doc))
    assert [e[:2] for e in report.errors] == [(3, 1)] and not report.ok()


def test_huge_file_is_refused_quickly(tmp_path, capsys):
    doc = tmp_path / "huge.md"
    doc.write_bytes(b"$$x = x$$\n" * 1_000_000)  # 10 MB
    assert main(["check-doc", str(doc)]) == 2
    err = capsys.readouterr().err
    assert "huge.md" in err and err.count("\n") == 1


LATEX_NOTES = r"""\documentclass{article}
\begin{document}
\begin{equation}
D_{KL}(p||q) = \sum_{i=1}^n p(x_i) \log\left(\frac{p(x_i)}{q(x_i)}\right)
\end{equation}
% xentsym: n = 2
\begin{align*}
D_{KL}(p||q) &= \sum_{i=1}^n p(x_i) \log p(x_i) - \sum_{i=1}^n p(x_i) \log q(x_i) \\
  &= p(x_1) \log p(x_1) + p(x_2) \log p(x_2) - p(x_1) \log q(x_1) - p(x_2) \log q(x_2) \\
  &= p(x_1) \log p(x_1) - p(x_2) \log q(x_2)
\end{align*}
\end{document}
"""


def test_latex_document_with_a_size_hint(tmp_path):
    """With n = 2 the last entries become 1 - the first; logs of them must still split."""
    doc = tmp_path / "notes.tex"
    doc.write_text(LATEX_NOTES, encoding="utf-8")
    statuses = [(s.line, s.status) for s in check_document(str(doc)).steps]
    assert statuses == [(4, "verified"), (8, "verified"), (9, "verified"), (10, "refuted")]


MEAN_NOTES = r"""# Centred sums

<!-- xentsym: \bar{x} := \frac{1}{m}\sum_{i=1}^{m} x_i -->

$$\sum_{i=1}^{m} (x_i - \bar{x}) = 0$$

$$\sum_{i=1}^{m} x_i (x_i - \bar{x}) = \sum_{i=1}^{m} (x_i - \bar{x})^2$$

$$\sum_{i=1}^{m} x_i (x_i - \bar{x}) = \sum_{i=1}^{m} x_i^2$$
"""


def test_a_definition_hint_holds_for_the_rest_of_the_file(tmp_path):
    doc = tmp_path / "mean.md"
    doc.write_text(MEAN_NOTES, encoding="utf-8")
    assert [s.status for s in check_document(str(doc)).steps] == \
        ["verified", "verified", "refuted"]
    # Without the definition the mean is a free symbol: the first step cannot be checked.
    doc.write_text(MEAN_NOTES.replace(r"\bar{x} := ", r"\bar{y} := "), encoding="utf-8")
    first = check_document(str(doc)).steps[0]
    assert first.status == "unproven" and r"\bar{x}" in first.message


@pytest.mark.skipif(not LECTURE.exists(), reason="the shared lecture is not beside the repo")
def test_lecture_restatements_of_the_loss_keep_the_optimisers():
    report = check_document(str(LECTURE))
    counts = report.summary()
    assert counts["refuted"] == counts["unparsed"] == 0
    restated = [s for s in report.steps if s.lhs.replace(" ", "") == "J(w)" and s.step == 1]
    # Four statements of J(w): the first defines it, each later one drops 1/N or flips the
    # sign (or puts both back), which keeps the optimisers but is not an equality.
    assert [s.status for s in restated] == ["defined", "verified", "verified", "verified"]
    assert "same minimisers" in restated[1].message
    assert "sign flipped" in restated[2].message and "sign flipped" in restated[3].message


def test_a_sum_without_bounds_is_never_refuted_for_its_length(tmp_path):
    doc = tmp_path / "unbounded.md"
    doc.write_text("$$\\sum_i \\frac{1}{k} = 1$$\n\n$$\\sum_{i=1}^{k} \\frac{1}{k} = 1$$\n\n"
                   "$$\\sum_i a_i^2 = \\sum_i a_i$$\n", encoding="utf-8")
    first, bounded, false = check_document(str(doc)).steps
    # How many terms the first sum has is in the prose: not refuted, not verified.
    assert first.status == "unproven" and "no bounds" in first.message
    assert bounded.status == "verified"
    assert false.status == "refuted"  # false whatever the length


GAPS = r"""$$\frac{\partial L}{\partial w} = 2 w$$

$$\frac{d}{d\theta} \theta^2 = 2\theta$$

<!-- xentsym: p, q: distributions over K -->
$$D_{KL}(p \| q) = \sum_{k=1}^{K} p_k \log \frac{p_k}{q_k}$$

$$D_{KL}(p \| q) = \sum_{k=1}^{K} q_k \log \frac{q_k}{p_k}$$

$$\operatorname{arg\,max}_\theta \sum_{i=1}^N \log \hat{y}_i = \operatorname{arg\,min}_\theta -\sum_{i=1}^N \log \hat{y}_i$$
"""


def test_derivatives_of_undefined_names_declared_sizes_and_optimiser_spellings(tmp_path):
    doc = tmp_path / "gaps.md"
    doc.write_text(GAPS, encoding="utf-8")
    steps = check_document(str(doc)).steps
    # dL/dw of an L the text never wrote down is not 0 by default: it cannot be checked.
    assert steps[0].status == "unproven" and "does not mention" in steps[0].message
    assert steps[1].status == "verified"
    # D_KL unfolds over the size the hint declares, in both checks.
    assert [s.status for s in steps[2:4]] == ["verified", "refuted"]
    assert steps[4].status == "verified"


def test_information_of_an_event_needs_its_probability(tmp_path):
    doc = tmp_path / "events.md"
    doc.write_text("$$\\sum_{i=1}^n p(x_i) I(s_i) = -\\sum_{i=1}^n p(x_i) \\log s_i$$\n\n"
                   "<!-- xentsym: a, b \\in (0, 1) -->\n$$I(a) + I(b) = -\\log(ab)$$\n\n"
                   "$$I(a) + I(b) = -\\log(a + b)$$\n", encoding="utf-8")
    event, true, false = check_document(str(doc)).steps
    # s_i names an event: reading I(s_i) as -log s_i would verify what the text never said.
    assert event.status == "unproven" and "probability" in event.message
    assert (true.status, false.status) == ("verified", "refuted")


OPTIMISERS_AND_BOUNDS = r"""$$\arg\min_\theta \theta^2 = \arg\min_\theta 2\theta^2 + 3$$

$$\arg\min_\theta \theta^2 = \arg\max_\theta -\theta^2$$

$$\arg\min_\theta \theta^2 = \arg\min_\theta (\theta - 1)^2$$

$$L := \sum_{i=1}^N (y_i - \hat{y}_i)^2$$

$$L \geq 0$$

$$L \leq -1$$

$$w > 0$$
"""


def test_optimisers_over_the_named_parameter_and_bounds_on_defined_names(tmp_path):
    doc = tmp_path / "opt.md"
    doc.write_text(OPTIMISERS_AND_BOUNDS, encoding="utf-8")
    got = [s.status for s in check_document(str(doc)).steps]
    # theta is the parameter the subscript names, even without any probability in sight;
    # a bound on a defined L is a claim about L, a bound on a free w is a constraint.
    assert got == ["verified", "verified", "refuted", "defined", "verified", "refuted",
                   "condition"]


def test_underflow_and_overflow_are_no_witnesses(tmp_path):
    doc = tmp_path / "extreme.md"
    doc.write_text(
        "$$e^{e^{e^{x}}} = e^{e^{e^{x}}}$$\n\n"
        # True for every real w, x and 0/1 label: 1 - sigma(wx) is tiny but never 0.
        "<!-- xentsym: y_i \\in \\{0, 1\\} -->\n"
        "$$\\log \\prod_{i=1}^{N} \\sigma(w x_i)^{y_i} (1 - \\sigma(w x_i))^{1 - y_i} = "
        "\\sum_{i=1}^{N} \\left[y_i \\log \\sigma(w x_i) + (1 - y_i) \\log (1 - \\sigma(w x_i))"
        "\\right]$$\n\n"
        "<!-- xentsym: x \\in \\mathbb{R} -->\n$$\\log(x^2) = 2\\log x$$\n", encoding="utf-8")
    towers, likelihood, false = check_document(str(doc), Options(samples=300)).steps
    assert towers.status != "refuted" and likelihood.status != "refuted"
    # x declared real, x < 0: the left side is defined, the right is not
    assert false.status == "refuted"
