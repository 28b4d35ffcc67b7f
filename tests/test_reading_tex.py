r"""What check-doc reads must be what TeX typesets (issue 10, "Read what TeX prints").

Every expected value here is built by hand from SymPy objects, never copied from the
reader's output. Each class of rule has true cases (read this way) and false cases (not
read that way, or refused with a located error).
"""
from __future__ import annotations

import pytest
import sympy as sp
from sympy.core.function import AppliedUndef

import xentsym.notation as nt
from xentsym.errors import ParseError
from xentsym.parse import parse, parse_chain, parse_with_warnings


def real(name: str) -> sp.Symbol:
    return sp.Symbol(name, real=True)


def fn(name: str):
    return sp.Function(name, real=True)


def _plain(e):
    """``e`` with every symbol replaced by a bare symbol of the same name: readings are
    compared by structure and names, not by the domains a scope gives the names later."""
    return e.replace(lambda t: isinstance(t, sp.Symbol), lambda t: sp.Symbol(t.name))


def same(got, expected) -> bool:
    return _plain(got) == _plain(expected)


a, b, c, d, s, z, w = (real(v) for v in "abcdszw")
x, beta, N = nt.x, nt.beta, nt.N


# --------------------------------------------------------------------------- 1. arguments

@pytest.mark.parametrize("latex, expected", [
    (r"\frac12 3", sp.Rational(1, 2) * 3),
    (r"\frac12", sp.Rational(1, 2)),
    (r"\frac 1 2", sp.Rational(1, 2)),
    (r"\frac1{N}", 1 / N),
    (r"\frac a b", a / b),
    (r"\frac{1}23", sp.Rational(1, 2) * 3),
    (r"\sqrt 12", sp.sqrt(1) * 2),
    (r"\sqrt[3]82", sp.Integer(8) ** sp.Rational(1, 3) * 2),
    (r"x^12", x ** 1 * 2),
    (r"x^1 2", x * 2),
    (r"x^{12}", x ** 12),
    (r"a_12", sp.IndexedBase("a", real=True)[1] * 2),
    (r"1 0", sp.Integer(10)),
    (r"2 5 a", 25 * a),
    (r"\log_28", sp.log(8, 2)),
])
def test_an_argument_without_braces_is_one_token(latex, expected):
    assert same(parse(latex), expected)


def test_digits_with_a_space_are_one_number_as_typeset():
    chain = parse_chain("1 0 = 0")
    assert chain.items == (sp.Integer(10), sp.Integer(0))
    assert chain.items[0] != sp.Integer(1) * sp.Integer(0)


@pytest.mark.parametrize("latex", [r"1\,000", r"1~0", r"2 \quad 3"])
def test_numbers_separated_by_spacing_are_refused_with_a_location(latex):
    with pytest.raises(ParseError) as info:
        parse(latex, line=4, column=7)
    assert info.value.line == 4 and info.value.column > 7
    assert "side by side" in info.value.message


@pytest.mark.parametrize("latex, what", [
    (r"a^b^c", "double superscript"), (r"a^{b}^{c}", "double superscript"),
    (r"y^{(i)}^2", "double superscript"), (r"x_i_j", "double subscript"),
])
def test_a_double_script_is_refused_as_tex_refuses_it(latex, what):
    with pytest.raises(ParseError) as info:
        parse(latex)
    assert what in info.value.message and info.value.column > 1


def test_one_superscript_and_one_subscript_are_read():
    assert same(parse(r"a_i^2"), sp.IndexedBase("a")[nt.i] ** 2)
    assert same(parse(r"{a^b}^c"), (a ** b) ** c)
    assert same(parse(r"a^2_i"), sp.IndexedBase("a")[nt.i] ** 2)  # prints as a_i^2
    assert same(parse(r"\sum^{N}_{i=1} a_i"), sp.Sum(sp.IndexedBase("a")[nt.i], (nt.i, 1, N)))
    assert same(parse(r"a^{b^c}"), a ** (b ** c))


def test_a_spaced_number_after_an_argument_is_not_refused():
    assert same(parse(r"\frac12\,3"), sp.Rational(3, 2))
    assert same(parse(r"x^2 \, 3"), 3 * x ** 2)


@pytest.mark.parametrize("latex", [r"1/N \sum_{i=1}^{N} a_i", r"a/b c", r"1/2 x", r"a / b^2 c",
                                   r"a / \hat{y}_i z"])
def test_a_slash_followed_by_side_by_side_factors_is_refused_as_ambiguous(latex):
    with pytest.raises(ParseError) as info:
        parse(latex, column=1)
    assert "ambiguous division" in info.value.message and info.value.column > 1


@pytest.mark.parametrize("latex, expected", [
    (r"a/b", a / b), (r"a / b \cdot c", a / b * c), (r"a/b/c", a / b / c),
    (r"a/(b c)", a / (b * c)), (r"e^{-a/2}", sp.exp(-a / 2)),
    (r"a / g(b)", a / fn("g")(b)),
])
def test_a_slash_with_one_factor_on_its_right_is_read(latex, expected):
    assert same(parse(latex), expected)


# ----------------------------------------------------------------- 2. \log without brackets

@pytest.mark.parametrize("latex, expected", [
    (r"\log \beta \cdot \beta", sp.log(beta) * beta),
    (r"\log \beta \times \beta", sp.log(beta) * beta),
    (r"\log a / 2", sp.log(a) / 2),
    (r"\log a + b", sp.log(a) + b),
    (r"\log a - b", sp.log(a) - b),
    (r"\log a b + c", sp.log(a * b) + c),
    (r"\log a^{b} c^{d}", sp.log(a ** b * c ** d)),
    (r"\log a \log b", sp.log(a) * sp.log(b)),
    (r"\log_{2} a \cdot b", sp.log(a, 2) * b),
    (r"\exp a \cdot b", sp.exp(a) * b),
    (r"\log \hat{y}^{(i)}", sp.log(nt.yhat[nt.i])),
    (r"\log^2 a \cdot b", sp.log(a) ** 2 * b),
    (r"\log^{2}(a) b", sp.log(a) ** 2 * b),
    (r"\log_2^2 8", sp.log(8, 2) ** 2),
])
def test_log_takes_the_factors_side_by_side_up_to_an_operator(latex, expected):
    assert same(parse(latex), expected)


def test_log_is_not_read_as_the_log_of_the_whole_product_across_cdot():
    assert not same(parse(r"\log \beta \cdot \beta"), sp.log(beta ** 2))


def test_lecture_likelihood_log_takes_the_whole_product_with_a_warning():
    latex = (r"\log p_{\theta}(Y = 1 | x_i)^{y_i} (1 - p_{\theta}(Y = 1 | x_i))^{1-y_i}")
    value, warnings = parse_with_warnings(latex)
    pt, y = nt.p_theta[nt.i], nt.y[nt.i]
    assert same(value, sp.log(pt ** y * (1 - pt) ** (1 - y)))
    latex = r"\log (a)^{b} c"
    value, warnings = parse_with_warnings(latex)
    assert same(value, sp.log(a ** b * c))
    assert any("logarithm of the power" in w.message for w in warnings)


def test_log_without_an_argument_is_refused():
    with pytest.raises(ParseError):
        parse(r"a \log \cdot b")


# --------------------------------------------------------------------------- 3. applications

@pytest.mark.parametrize("latex, expected", [
    (r"\mathrm{softmax}(2z)", fn("softmax")(2 * z)),
    (r"\operatorname{logit}(a)", fn("logit")(a)),
    (r"\text{KL}(a\|b)", fn("KL")(a, b)),
    (r"\mathit{KL}(a || b)", fn("KL")(a, b)),
    (r"\mathrm{softmax}(a + b)", fn("softmax")(a + b)),
    (r"s(a)", fn("s")(a)),
    (r"g(z_i)", fn("g")(sp.IndexedBase("z", real=True)[nt.i])),
    (r"h(x, a)", fn("h")(x, a)),
    (r"s(a | b)", fn("s")(a, b)),
    (r"\beta(a)", fn("beta")(a)),
    (r"\operatorname{E}(a)", fn("E")(a)),
    (r"\operatorname{E}[a]", fn("E")(a)),
    (r"\mathrm{Var}[a]", fn("Var")(a)),
    (r"s[a]", fn("s")(a)),
    (r"\mathcal{N}(a, b)", fn(r"\mathcal{N}")(a, b)),
])
def test_a_name_applied_to_a_bracket_is_a_function(latex, expected):
    value = parse(latex)
    assert isinstance(value, AppliedUndef)
    assert same(value, expected)


@pytest.mark.parametrize("latex, expected", [
    (r"p(1-p)", nt.p_success * (1 - nt.p_success)),
    (r"\beta(1-\beta)", beta * (1 - beta)),
    (r"x(x+1)", x * (x + 1)),
    (r"s(2)", s * 2),
    (r"s(a^2)", s * a ** 2),
    (r"e(a)", sp.E * a),
    (r"\mathrm{softmax} z", real("softmax") * z),
    (r"s[a + 1]", s * (a + 1)),
])
def test_a_bracket_with_operators_stays_a_product(latex, expected):
    assert same(parse(latex), expected)


def test_the_lectures_applications_keep_their_readings():
    from xentsym.functions import CrossEntropy, InformationContent, Sigmoid
    assert same(parse(r"p(x_i)"), nt.p[nt.i])
    assert same(parse(r"H(p,q)"), CrossEntropy(nt.p, nt.q))
    assert same(parse(r"I(x_0)"), InformationContent(nt.p_event))
    assert same(parse(r"\sigma(z)"), Sigmoid(z))
    assert same(parse(r"f(x)"), fn("f")(x))
    assert same(parse(r"J(w)"), fn("J")(w))
    assert same(parse(r"P(Y | \beta)"), fn("P")(nt.Y, beta))


def test_an_optimiser_word_is_not_a_function():
    with pytest.raises(ParseError):
        parse(r"\operatorname{argmax}_a a")


# --------------------------------------------------------------------------- document helpers

from xentsym.document import (Side, document_chains, document_from_text,  # noqa: E402
                              displays)


def squash(text: str) -> str:
    return " ".join(text.split())


def md(text: str):
    return document_from_text(text, "notes.md")


def tex(text: str):
    return document_from_text(text, "notes.tex")


def steps(doc):
    return [(s.chain, s.index, squash(s.lhs.text), s.relation, squash(s.rhs.text))
            for c in document_chains(doc) for s in c.steps]


# --------------------------------------------------------------------------- 4. separators

@pytest.mark.parametrize("display", [
    r"a = b \qquad c = d",
    r"a = b \quad c = d",
    r"a = b, \quad c = d",
    r"a = b \quad \text{and} \quad c = d",
    r"a = b \text{ so } c = d",
    r"a = b \text{ hence } c = d",
    r"a = b \hspace{1cm} c = d",
    r"a = b \therefore c = d",
    r"a = b; c = d",
    r"a = b; \quad c = d",
])
def test_equations_separated_by_spacing_or_words_are_two_chains(display):
    assert steps(md(f"$$ {display} $$")) == [(1, 1, "a", "=", "b"), (2, 1, "c", "=", "d")]


def test_column_pairs_of_an_align_are_separate_equations():
    doc = tex("\\begin{align}\n a &= b & c &= d \\\\\n e &= f & g &= h\n\\end{align}\n")
    assert steps(doc) == [(1, 1, "a", "=", "b"), (2, 1, "c", "=", "d"),
                          (3, 1, "e", "=", "f"), (4, 1, "g", "=", "h")]
    assert document_chains(doc)[1].sides[0].line == 2
    # an empty left column goes on with the chain; eqnarray's &=& is one column set
    assert steps(md("$$\\begin{aligned} a &= b & &= c \\end{aligned}$$")) == [
        (1, 1, "a", "=", "b"), (1, 2, "b", "=", "c")]
    assert steps(tex("\\begin{eqnarray} a &=& b \\\\ &=& c \\end{eqnarray}\n")) == [
        (1, 1, "a", "=", "b"), (1, 2, "b", "=", "c")]


def test_a_worded_row_of_an_aligned_display_is_its_own_chain():
    doc = md("$$\\begin{aligned} a &= x \\\\ & \\text{so } \\beta^2 = \\beta \\end{aligned}$$")
    assert steps(doc) == [(1, 1, "a", "=", "x"), (2, 1, r"\beta^2", "=", r"\beta")]


def test_a_quantifier_after_a_step_is_a_note():
    (chain,) = document_chains(md(r"$$ a_i = b_i \quad \forall i $$"))
    assert [squash(s.text) for s in chain.sides] == ["a_i", "b_i"]
    assert chain.notes == (r"\forall i",) and chain.steps[0].condition is None


def test_a_justification_column_stays_a_note():
    doc = md("$$\\begin{aligned} a &= b && \\text{(log rule)} \\\\ &= c "
             "\\quad \\text{by symmetry} \\end{aligned}$$")
    (chain,) = document_chains(doc)
    assert [squash(s.text) for s in chain.sides] == ["a", "b", "c"]
    assert chain.notes == (r"\text{(log rule)}", r"\text{by symmetry}")
    assert [s.condition for s in chain.steps] == [None, None]


@pytest.mark.parametrize("display, side", [
    (r"a = b \quad c", r"b \quad c"),  # spacing without a relation after it: one side
    (r"H(p, q) = 1,", "1"),  # trailing punctuation
    (r"a = f(b, c = d)", "f(b, c = d)"),  # a relation inside brackets is not split
])
def test_what_is_not_a_separator(display, side):
    (chain,) = document_chains(md(f"$$ {display} $$"))
    assert squash(chain.sides[-1].text) == side


@pytest.mark.parametrize("display, sides", [
    (r"D = \text{KL}(p \| q)", ["D", r"\text{KL}(p \| q)"]),
    (r"\text{KL}(p\|q) = H(p,q) - H(p)", [r"\text{KL}(p\|q)", "H(p,q) - H(p)"]),
    (r"J = \text{loss} + 1 = 2", ["J", r"\text{loss} + 1", "2"]),
    (r"y = \textrm{softmax}(z)", ["y", r"\textrm{softmax}(z)"]),
])
def test_a_name_written_in_text_is_part_of_the_formula_not_a_remark(display, sides):
    (chain,) = document_chains(md(f"$$ {display} $$"))
    assert [squash(s.text) for s in chain.sides] == sides


def test_separated_equations_in_latex_and_the_where_clause():
    doc = tex("\\begin{equation}\nL = \\sum_i y_i \\quad \\text{where } \\hat{y} = "
              "\\sigma(z)\n\\end{equation}\n")
    assert steps(doc) == [(1, 1, "L", "=", r"\sum_i y_i"), (2, 1, r"\hat{y}", "=", r"\sigma(z)")]
    second = document_chains(doc)[1]
    assert (second.sides[0].line, second.sides[0].column) == (2, 36)


# --------------------------------------------------------------------------- 5. conditions

@pytest.mark.parametrize("display, condition", [
    (r"f(x) = 1 - x \quad \text{if } x = 1", "x = 1"),
    (r"f(x) = 1 - x \text{ for } x = 0", "x = 0"),
    (r"f(x) = 1 - x, \text{when } y_i = 1", "y_i = 1"),
    (r"f(x) = 1 - x, x = 0", "x = 0"),
    (r"f(x) = 1 - x \quad \text{s.t. } x = 0", "x = 0"),
    (r"f(x) = 1 - x \quad \text{such that } x = 0", "x = 0"),
    (r"f(x) = 1 - x \quad \text{given that } x = 0", "x = 0"),
    (r"f(x) = 1 - x \qquad (\text{if}\ x = 0)", None),  # in brackets: a remark, not read
])
def test_a_condition_after_a_step_is_the_steps_condition(display, condition):
    (chain,) = document_chains(md(f"$$ {display} $$"))
    (step,) = chain.steps
    assert squash(step.rhs.text) == "1 - x"
    if condition is None:
        assert step.condition is None
    else:
        assert isinstance(step.condition, Side)
        assert squash(step.condition.text) == condition
        display_ = displays(step.condition.display.document)[0]
        at = step.condition.start
        assert display_.latex[at:at + len(step.condition.text)] == step.condition.text
        assert step.condition.line == 1
        assert step.condition.column == 3 + at  # "$$" takes columns 1-2


def test_a_longer_remark_before_a_relation_is_a_new_claim_not_a_condition():
    doc = md(r"$$ D \geq 0, \text{ with equality iff } p = q $$")
    assert steps(doc) == [(1, 1, "D", ">=", "0"), (2, 1, "p", "=", "q")]
    assert document_chains(doc)[0].steps[0].condition is None


def test_a_condition_applies_to_the_steps_of_its_row_only():
    doc = md("$$\\begin{aligned} f &= 1 - x \\\\ &= 1 \\quad \\text{when } x = 0 "
             "\\end{aligned}$$")
    first, second = document_chains(doc)[0].steps
    assert first.condition is None
    assert squash(second.condition.text) == "x = 0"


def test_a_condition_on_a_row_of_its_own_applies_to_the_step_above():
    doc = md("$$\\begin{aligned} a &= b \\\\ & \\text{if } x = 1 \\end{aligned}$$")
    (step,) = document_chains(doc)[0].steps
    assert squash(step.condition.text) == "x = 1"


def test_a_range_over_an_index_is_a_note_not_a_restriction():
    for display in (r"a_i = b_i, i = 1, \dots, n",
                    r"a_i = b_i \quad \text{for } i = 1, \ldots, n"):
        (step,) = document_chains(md(f"$$ {display} $$"))[0].steps
        assert squash(step.rhs.text) == "b_i"
        assert step.condition is None and "i = 1, " in step.note


def test_joined_conditions_are_kept_whole_not_cut():
    (chain,) = document_chains(md(r"$$ f = 0 \quad \text{if } x = 0 \text{ and } y = 1 $$"))
    (step,) = chain.steps
    assert squash(step.condition.text) == r"x = 0 \text{ and } y = 1"
    (first, second) = document_chains(md(r"$$ f = 0 \quad \text{if } x = 0 \quad \text{so} "
                                          r"\quad y = 1 $$"))
    assert squash(first.steps[0].condition.text) == "x = 0"
    assert [squash(s.text) for s in second.sides] == ["y", "1"]


def test_cases_keep_their_conditions_inside_the_side():
    doc = md(r"$$ f(x) = \begin{cases} 1 & \text{if } x = 0 \\ 2 & \text{otherwise} "
             r"\end{cases} $$")
    (step,) = document_chains(doc)[0].steps
    assert step.condition is None
    x0 = nt.x
    assert same(parse(step.rhs.text), sp.Piecewise((1, sp.Eq(x0, 0)), (2, True)))


# --------------------------------------------------------------------------- 8. definitions

@pytest.mark.parametrize("relation", [
    r"\coloneqq", r"\triangleq", r"\defeq", ":=", "=:", r"\equiv", r"\eqqcolon",
    r"\stackrel{\text{def}}{=}", r"\overset{\text{def}}{=}", r"\overset{def}{=}",
    r"\stackrel{\mathrm{def}}{=}", r"\overset{\scriptscriptstyle\text{def}}{=}",
    r"\overset{\Delta}{=}",
])
def test_definition_relations_normalise_to_colon_equals(relation):
    (step,) = document_chains(md(f"$$ J(w) {relation} w^2 $$"))[0].steps
    assert step.relation == ":="
    assert squash(step.lhs.text) == "J(w)" and squash(step.rhs.text) == "w^2"
    assert same(parse(step.lhs.text), fn("J")(w)) and same(parse(step.rhs.text), w ** 2)


@pytest.mark.parametrize("relation", [r"\approx", r"\simeq", r"\sim", r"\overset{(a)}{=}",
                                      r"\stackrel{?}{=}"])
def test_approximations_and_labelled_equalities_are_not_definitions(relation):
    (step,) = document_chains(md(f"$$ a {relation} b $$"))[0].steps
    assert step.relation != ":="
    assert (step.relation == "=") == ("=}" in relation)


# --------------------------------------------------------------------------- 6. dead code

from xentsym.document import hints, warnings  # noqa: E402


def display_texts(doc):
    return [squash(d.latex) for d in displays(doc)]


@pytest.mark.parametrize("source, shown", [
    ("\\iffalse\n\\[x = 1\\]\n\\fi\n\\[y = 2\\]\n", ["y = 2"]),
    ("\\iffalse \\ifx a b \\[x=1\\] \\fi \\[z=3\\] \\fi \\[y = 2\\]\n", ["y = 2"]),
    ("\\iffalse \\[x=1\\] \\else \\[z=3\\] \\fi \\[y = 2\\]\n", ["z=3", "y = 2"]),
    ("\\iftrue \\[x=1\\] \\else \\[z=3\\] \\fi \\[y = 2\\]\n", ["x=1", "y = 2"]),
    ("\\newif\\ifdraft \\iffalse \\ifdraft \\[a=1\\] \\fi \\[b=2\\] \\fi \\[c=3\\]\n", ["c=3"]),
    ("\\[a \\iff b\\] \\iffalse \\[x=1\\] \\fi \\[y=2\\]\n", [r"a \iff b", "y=2"]),
    ("\\iffalse \\ifthenelse{a}{b}{c} \\[x=1\\] \\fi \\[y=2\\]\n", ["y=2"]),
    ("\\ifdraft \\[x=1\\] \\fi \\[y=2\\]\n", ["x=1", "y=2"]),  # not known to be dead
    ("\\newif\\ifdraft \\ifdraft \\[x=1\\] \\else \\[z=3\\] \\fi\n", ["z=3"]),  # false
    ("\\newif\\ifdraft \\drafttrue \\ifdraft \\[x=1\\] \\else \\[z=3\\] \\fi\n", ["x=1"]),
    ("\\newif\\ifdraft \\iffalse \\drafttrue \\fi \\ifdraft \\[x=1\\] \\fi\n", []),
    ("% \\[x = 1\\]\n\\[y = 2\\]\n", ["y = 2"]),
    ("\\verb|\\iffalse| \\[x=1\\]\n", ["x=1"]),
    ("\\[ a = b \\iffalse + c \\fi \\]\n", ["a = b"]),
])
def test_latex_dead_code_and_comments_are_not_read(source, shown):
    assert display_texts(tex(source)) == shown


def test_hints_in_dead_code_do_not_apply():
    doc = tex("\\iffalse % xentsym: n = 2\n\\fi\n% xentsym: m = 3\n\\[a=b\\]\n")
    assert [h.text for h in hints(doc)] == ["m = 3"]


def test_an_unclosed_iffalse_is_reported_with_its_line():
    doc = tex("\\[a=b\\]\n\\iffalse\n\\[x=1\\]\n")
    assert display_texts(doc) == ["a=b"]
    (w,) = warnings(doc)
    assert (w.line, w.column) == (2, 1) and "iffalse" in w.message


def test_markdown_html_comments_hide_displays_but_not_hints():
    doc = md("a\n<!-- $$x = 1$$ -->\n<!-- xentsym: n = 2 -->\n$$y = 2$$\n"
             "<!--\n\\begin{equation} z = 3 \\end{equation}\n-->\n")
    assert display_texts(doc) == ["y = 2"]
    assert [h.text for h in hints(doc)] == ["n = 2"]


# --------------------------------------------------------------------------- 7. failures

import xentsym.document as document  # noqa: E402
from xentsym.document import DocumentProblem, problems  # noqa: E402


def test_a_display_too_long_to_split_is_a_located_failure(monkeypatch):
    monkeypatch.setattr(document, "MAX_SPLIT_CHARS", 50)
    doc = md("text\n\n$$ a = " + "b + " * 20 + "c $$\n\n$$ x = y $$\n")
    (problem,) = problems(doc)
    assert isinstance(problem, DocumentProblem)
    assert (problem.line, problem.column) == (3, 3)
    assert "too long" in problem.message
    assert problem.one_line("n.md").startswith("n.md:3:3: error: display too long")
    assert steps(doc) == [(1, 1, "x", "=", "y")]  # the long one is not split, the rest is
    assert problem not in warnings(doc, with_problems=False)


@pytest.mark.parametrize("source, where, words", [
    ("text\n$$a = {b = c$$\n", (2, 7), "'{' is never closed"),
    ("$$ a = b } $$\n", (1, 10), "'}' without a matching '{'"),
    ("$$\\log\\left(p(x_i) = 1$$\n", (1, 7), "\\left"),
    ("$$\\begin{aligned} a &= b $$\n", (1, 3), "\\begin{aligned}"),
    ("$$a = b\n\ntext\n", (1, 1), "unclosed $$"),
    ("\\[ a = b\n", (1, 1), "unclosed \\["),
])
def test_unmatched_brackets_and_delimiters_are_located_failures(source, where, words):
    doc = md(source)
    found = problems(doc)
    assert found and (found[0].line, found[0].column) == where
    assert words in found[0].message
    for chain in document_chains(doc):  # what is still split is flagged, never checked blind
        assert chain.problem == found[0]
    assert not any(w.message == found[0].message
                   for w in warnings(doc, with_problems=False))
    # for a checker that does not read problems yet, warnings() still lists them
    assert any(w.message == found[0].message for w in warnings(doc))


def test_a_clean_display_has_no_problem_and_its_chains_no_flag():
    doc = md("$$ a = b $$\n<!-- unclosed comment\n")
    assert problems(doc) == []
    assert [w.message for w in warnings(doc, with_problems=False)] == [
        "unclosed HTML comment <!--"]
    assert document_chains(doc)[0].problem is None


def test_an_unclosed_iffalse_and_an_unclosed_fence_are_failures():
    assert "iffalse" in problems(tex("\\iffalse\n\\[x=1\\]\n"))[0].message
    assert "code fence" in problems(md("```python\n$$ a = b $$\n"))[0].message
