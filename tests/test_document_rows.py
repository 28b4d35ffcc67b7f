"""How check-doc cuts displays into chains: continued displays, trailing conditions and
ranges, end punctuation, logical arrows and remarks (the document layer and check-doc)."""
from __future__ import annotations

import pytest

from xentsym.checkdoc import check_document
from xentsym.document import document_chains, document_from_text
from xentsym.verify import Options


def squash(text: str) -> str:
    return " ".join(text.split())


def md(text: str, suffix: str = "md"):
    return document_from_text(text, f"notes.{suffix}")


def tex(text: str):
    return md(text, "tex")


def steps(doc):
    return [(squash(s.lhs.text), s.relation, squash(s.rhs.text))
            for c in document_chains(doc) for s in c.steps]


def one_step(display: str):
    (step,) = [s for c in document_chains(md(f"$$ {display} $$")) for s in c.steps]
    return step


def statuses(tmp_path, text: str, name: str = "notes.md") -> list[tuple[int, str]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    report = check_document(str(path), Options(samples=200, seed=0, timeout=20))
    return [(s.line, s.status) for s in report.steps]


# ------------------------------------------------------------ 1. a display that goes on

def test_a_display_starting_with_equals_goes_on_from_the_last_side_before_it():
    doc = md("$$\nK = a + b\n$$\n\nSome prose, even a paragraph.\n\n$$\n= b + a\n$$\n")
    first, second = document_chains(doc)
    assert second.continued and not first.continued
    (step,) = second.steps
    assert (squash(step.lhs.text), step.relation, squash(step.rhs.text)) == ("a + b", "=",
                                                                             "b + a")
    # each side is located where it is written: the left one in the first display
    assert (step.lhs.line, step.lhs.column) == (2, 5)
    assert (step.rhs.line, step.rhs.column, step.line) == (8, 3, 8)


def test_an_align_starting_with_amp_equals_goes_on_with_its_rows():
    doc = tex("\\begin{align*}\n  f &= (x+1)^2 .\n\\end{align*}\nExpanding,\n"
              "\\begin{align*}\n  &= x^2 + 2x + 1 \\\\\n  &\\le 2x^2 + 2 .\n\\end{align*}\n")
    assert steps(doc) == [("f", "=", "(x+1)^2"), ("(x+1)^2", "=", "x^2 + 2x + 1"),
                          ("x^2 + 2x + 1", "<=", "2x^2 + 2")]
    assert [s.line for c in document_chains(doc) for s in c.steps] == [2, 6, 7]


def test_a_bare_expression_before_is_the_left_side():
    assert steps(md("$$ \\sum_x p(x) $$\n\n$$ = 1 $$\n")) == [(r"\sum_x p(x)", "=", "1")]


@pytest.mark.parametrize("text", [
    "$$ a = b $$\n\n## Next part\n\n$$ = c $$\n",  # a heading starts afresh
    "$$ a = b \\qquad c = d $$\n\n$$ = e $$\n",  # which chain goes on is a guess
    "$$ = e $$\n",  # nothing before it
])
def test_no_continuation_across_a_heading_an_ambiguous_display_or_from_nothing(text):
    last = document_chains(md(text))[-1]
    assert not last.continued and squash(last.sides[0].text) == ""


def test_a_latex_section_breaks_the_continuation_but_a_commented_one_does_not():
    assert steps(tex("\\[ a = b \\]\n\\section{X}\n\\[ = c \\]\n"))[-1] == ("", "=", "c")
    assert steps(tex("\\[ a = b \\]\n% \\section{X}\n\\[ = c \\]\n"))[-1] == ("b", "=", "c")


def test_a_true_continuation_verifies_and_a_false_one_is_refuted(tmp_path):
    text = ("$$ (a + b)^2 = a^2 + 2ab + b^2 $$\n\nReordering,\n\n$$ = b^2 + 2ab + a^2 $$\n\n"
            "and wrongly\n\n$$ = a^2 + b^2 $$\n")
    assert statuses(tmp_path, text) == [(1, "verified"), (5, "verified"), (9, "refuted")]


# ------------------------------------------------ 2. conditions and ranges after a step

@pytest.mark.parametrize("display", [
    r"\ell_i = a_i - b_i , \quad (i = 1, \dots, N)",
    r"\ell_i = a_i - b_i, \quad i = 1, \dots, N",
    r"\ell_i = a_i - b_i, i = 1,\dots,N",
    r"\ell_i = a_i - b_i, \qquad i = 1, \ldots, N,",
    r"\ell_i = a_i - b_i \quad i \in \{1, \dots, N\}",
])
def test_a_range_over_an_index_is_a_note_and_the_step_is_read_without_it(display):
    step = one_step(display)
    assert squash(step.rhs.text) == "a_i - b_i"
    assert step.condition is None and "1," in step.note


@pytest.mark.parametrize("display, condition", [
    (r"\ln x < x \quad \text{for } x > 0 .", "x > 0"),
    (r"f = g \quad (x > 0).", "x > 0"),
    (r"f = g, \quad x \in (0, 1)", r"x \in (0, 1)"),
    (r"f = g \quad \text{for } x \in (0,1)", r"x \in (0,1)"),
    (r"f = g \qquad (i \neq k)", r"i \neq k"),
])
def test_a_restriction_after_a_step_is_its_condition(display, condition):
    step = one_step(display)
    assert squash(step.rhs.text) in ("x", "g")
    assert squash(step.condition.text) == condition


def test_a_restriction_is_never_dropped_so_a_claim_true_under_it_is_not_refuted(tmp_path):
    # x^2 > x fails at x = 1/2, but the text states it for x > 1 only
    found = statuses(tmp_path, "$$ x^2 > x \\quad (x > 1) $$\n\n"
                               "$$ x^2 > x \\quad \\text{for } x \\in (1, 2) $$\n")
    assert [s for _, s in found] and all(s != "refuted" for _, s in found)


def test_a_bracket_without_a_relation_stays_in_the_side():
    assert squash(one_step(r"a = b \quad (1)").rhs.text) == r"b \quad (1)"


# ------------------------------------------------------------------ 3. end punctuation

@pytest.mark.parametrize("display", [
    r"1 - 1 = 0 . \qedhere", r"1 - 1 = 0 . \tag{3}", r"1 - 1 = 0 \;.", r"1 - 1 = 0 \quad .",
    r"1 - 1 = 0, \hfill\qedhere", r"1 - 1 = 0 . \notag",
])
def test_end_punctuation_and_decoration_are_not_part_of_the_side(display):
    step = one_step(display)
    assert (squash(step.lhs.text), squash(step.rhs.text)) == ("1 - 1", "0")


# ------------------------------------------------------- 4. logical arrows and remarks

@pytest.mark.parametrize("display", [
    r"x = 1 \implies x^2 + 1 = 2",
    r"x = 1 \quad\Longrightarrow\quad x^2 + 1 = 2",
    r"y = 3 = x \Rightarrow x^2 + 1 = 2",
])
def test_an_arrow_between_claims_is_no_step_and_the_claim_after_it_holds_under_the_one_before(
        display):
    chains = document_chains(md(f"$$ {display} $$"))
    assert [s.relation for c in chains for s in c.steps if s.relation != "="] == []
    last = chains[-1].steps[-1]
    assert (squash(last.lhs.text), squash(last.rhs.text)) == ("x^2 + 1", "2")
    # the condition is the last step before the arrow: what the claim before implies
    assert squash(last.condition.text) in ("x = 1", "3 = x")


def test_an_arrow_row_of_an_align_states_its_steps_under_the_row_above():
    doc = md("$$\\begin{aligned} 2x &= 4 \\\\ \\implies x &= 2 \\\\ &= 4 - 2 \\end{aligned}$$")
    first, second = document_chains(doc)
    assert [squash(s.text) for s in second.sides] == ["x", "2", "4 - 2"]
    assert [squash(s.condition.text) for s in second.steps] == ["2x = 4", "2x = 4"]


def test_a_display_starting_with_an_arrow_holds_under_the_display_before():
    doc = md("$$ x = 1 $$\n\nso\n\n$$ \\implies x^2 + 1 = 2 $$\n")
    last = document_chains(doc)[-1]
    assert not last.continued
    (step,) = last.steps
    assert squash(step.lhs.text) == "x^2 + 1" and squash(step.condition.text) == "x = 1"
    assert (step.condition.line, step.line) == (1, 5)


def test_an_arrow_without_claims_on_both_sides_or_backwards_stays_a_relation():
    assert steps(md(r"$$ p \implies q $$")) == [("p", "implies", "q")]
    assert steps(md(r"$$ A \iff B $$")) == [("A", "iff", "B")]
    # B implies A: A is not stated under B's truth the other way round
    assert [r for _, r, _ in steps(md(r"$$ a = 1 \impliedby b = 1 $$"))] == ["=", "impliedby",
                                                                             "="]


def test_implications_are_checked_under_their_antecedent(tmp_path):
    found = statuses(tmp_path, "$$ x = 1 \\implies x^2 + 1 = 2 $$\n\n"
                               "$$ y = 2 \\implies y^2 = 5 $$\n")
    assert found == [(1, "condition"), (1, "verified"), (3, "condition"), (3, "refuted")]


@pytest.mark.parametrize("display, note", [
    (r"a = b \quad \text{(by Jensen)}", r"\text{(by Jensen)}"),
    (r"a = b \qquad (\text{Jensen})", r"(\text{Jensen})"),
    (r"a = b \text{ by Jensen}", r"\text{ by Jensen}"),
])
def test_a_justification_at_the_end_of_a_row_is_a_note(display, note):
    step = one_step(display)
    assert squash(step.rhs.text) == "b" and step.note == note and step.condition is None


def test_equivalently_between_two_claims_separates_them():
    doc = md(r"$$ a \le b , \qquad\text{equivalently}\qquad -b \le -a $$")
    assert steps(doc) == [("a", "<=", "b"), ("-b", "<=", "-a")]
