r"""LaTeX -> SymPy: the lecture's own LaTeX, its notation, bad input, and safety.

Expected readings are written here from the lecture's notation (y^{(i)} is sample i,
\log is natural, ...), never copied from the parser's output.
"""
from __future__ import annotations

import builtins
import random
import re
import sys
import time
from pathlib import Path

import pytest
import sympy as sp
from sympy.core.function import AppliedUndef

import xentsym.notation as nt
from xentsym.check.symbolic import prove_equal
from xentsym.errors import ParseError
from xentsym.formulas import FORMULAS
from xentsym.functions import (BinaryCrossEntropy, CrossEntropy, Entropy, InformationContent,
                               KLDivergence, Sigmoid)
from xentsym.notation import Declaration
from xentsym.domains import ONE_HOT, PROBABILITY, REAL, SIZE
from xentsym.parse import (MAX_DEPTH, MAX_LENGTH, Chain, Objective, ParseWarning, bind, parse,
                           parse_chain, parse_objective, parse_relation, parse_with_warnings)

LECTURE_FILE = Path(__file__).resolve().parents[1].parent / "shared" / "lecture" / \
    "cross-entropy-lecture.md"
if not LECTURE_FILE.exists():  # the lecture may also sit beside the design notes
    LECTURE_FILE = Path("/work/shared/lecture/cross-entropy-lecture.md")

i, k, n, N, K = nt.i, nt.k, nt.n, nt.N, nt.K
p, q, y, yhat = nt.p, nt.q, nt.y, nt.yhat
log = sp.log


def proved(a, b) -> bool:
    return prove_equal(a, b, nt.LECTURE).status == "proved"


def rhs_of(latex: str):
    """The right-hand side of ``NAME = body`` (split at the first top-level '=')."""
    chain = parse_chain(latex)
    return chain.items[1] if chain.relations else chain.items[0]


# --------------------------------------------------------------------------------------
# (1) agreement: the lecture's LaTeX of every formula reads as the formula's expression
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(FORMULAS))
def test_formula_latex_agrees_with_expression(name):
    formula = FORMULAS[name]
    parsed = rhs_of(formula.latex)
    result = prove_equal(parsed, formula.expr, nt.LECTURE)
    assert result.status == "proved", (name, parsed, formula.expr, result.message)


def test_agreement_check_can_fail():
    # The same machinery must say "not proved" for a wrong reading.
    wrong = parse(r"-\sum_{i=1}^n p(x_i) \log(p(x_i))")
    assert not proved(wrong, FORMULAS["cross_entropy"].expr)
    without_mean = parse(r"-\sum_{i=1}^N y_i \log \hat{y}_i + (1 - y_i) \log(1 - \hat{y}_i)")
    assert not proved(without_mean, FORMULAS["binary_cross_entropy"].expr)


def test_missing_brackets_are_read_as_meant_and_warned():
    latex = FORMULAS["binary_cross_entropy"].latex
    chain = parse_chain(latex)
    assert len(chain.warnings) == 1
    warning = chain.warnings[0]
    assert isinstance(warning, ParseWarning) and "bracket" in warning.message
    # the warning points at the '+' that starts the stray term
    assert latex[warning.column - 1] == "+"
    # the sum covers both terms: the mean over samples of the per-sample loss
    body = y[i] * log(yhat[i]) + (1 - y[i]) * log(1 - yhat[i])
    assert proved(chain.items[1], -sp.Sum(body, (i, 1, N)) / N)
    # with brackets there is nothing to warn about
    expr, warnings = parse_with_warnings(
        r"-\frac{1}{N} \sum_{i=1}^N [y_i \log \hat{y}_i + (1 - y_i) \log(1 - \hat{y}_i)]")
    assert warnings == [] and proved(expr, chain.items[1])


def test_warnings_list_argument_and_no_merge_of_independent_terms():
    found: list = []
    expr = parse(r"\sum_{i=1}^N y_i + N", warnings=found)
    assert found == []  # N does not use i: it stays outside the sum
    assert expr == sp.Sum(y[i], (i, 1, N)) + N
    expr = parse(r"\sum_{i=1}^n p(x_i) - \sum_{i=1}^n q(x_i)", warnings=found)
    assert found == []  # the second term has its own sum over i
    assert expr == sp.Sum(p[i], (i, 1, n)) - sp.Sum(q[i], (i, 1, n))
    parse(r"\sum_{i=1}^N y_i + \hat{y}_i", warnings=found)
    assert len(found) == 1


# --------------------------------------------------------------------------------------
# (2) every display formula of the lecture parses; inline formulas parse or are refused
# --------------------------------------------------------------------------------------
def _display_blocks():
    text = LECTURE_FILE.read_text(encoding="utf-8")
    out = []
    for m in re.finditer(r"\$\$(.+?)\$\$", text, re.S):
        line = text.count("\n", 0, m.start()) + 1
        column = m.start() - text.rfind("\n", 0, m.start()) + 2
        out.append(pytest.param(m.group(1), line, column, id=f"line{line}"))
    return out


DISPLAY = _display_blocks()


def test_lecture_has_display_formulas():
    assert len(DISPLAY) >= 20


@pytest.mark.parametrize("latex,line,column", DISPLAY)
def test_every_display_formula_parses(latex, line, column):
    chain = parse_chain(latex, file="lecture.md", line=line, column=column)
    assert isinstance(chain, Chain)
    assert len(chain.items) == len(chain.relations) + 1 >= 2
    for item in chain.items:
        assert isinstance(item, (sp.Basic, Objective))
    for warning in chain.warnings:
        assert warning.line == line and warning.column > column


def _block_containing(fragment: str) -> str:
    for param in DISPLAY:
        if fragment in param.values[0]:
            return param.values[0]
    raise AssertionError(fragment)


def test_lecture_kl_chain_reads_consistently():
    chain = parse_chain(_block_containing(r"&= -H(p(x))"))
    kl, split, named = chain.items
    assert kl == KLDivergence(p, q)
    assert named.has(Entropy(p))  # -H(p(x)) is the entropy of p
    assert proved(kl, split) and proved(split, named)


def test_lecture_log_likelihood_chain_reads_consistently():
    chain = parse_chain(_block_containing(r"\mathcal{L}(\theta; X, D) &= \log \prod"))
    assert chain.relations == ("=",) * 4
    lhs, *steps = chain.items
    assert lhs == sp.Function(r"\mathcal{L}", real=True)(nt.theta, sp.Symbol("X", real=True),
                                                         sp.Symbol("D", real=True))
    for a, b in zip(steps, steps[1:]):
        assert proved(a, b), (a, b)
    # two sums without brackets and one \log (a)^{b}
    messages = [w.message for w in chain.warnings]
    assert sum("bracket" in m for m in messages) == 2
    assert sum("logarithm of the power" in m for m in messages) == 1


def test_lecture_optimiser_chain():
    chain = parse_chain(_block_containing(r"\theta_p &= \arg \max_{\theta}"))
    assert chain.items[0] == sp.Symbol("theta_p", real=True)
    senses = [o.sense for o in chain.items[1:]]
    assert senses == ["max", "max", "min", "min"]
    assert all(o.wrt == (nt.theta,) and o.wrt_latex == r"\theta" for o in chain.items[1:])
    last = chain.items[-1].expr
    assert last == sp.Sum(BinaryCrossEntropy(y[i], yhat[i]), (i, 1, N))
    # arg max of the log-likelihood in yhat = arg min of minus it
    assert proved(chain.items[2].expr, -chain.items[3].expr)


def test_lecture_piecewise_pmf_keeps_q():
    chain = parse_chain(_block_containing(r"\begin{cases}"))
    pmf = chain.items[2]
    assert pmf == sp.Piecewise((nt.p_success, sp.Eq(nt.x, 1)), (nt.q_failure, sp.Eq(nt.x, 0)))


# The inline formulas of the lecture: each reads, or is refused for a stated reason.
INLINE = {
    "1 - p": 1 - nt.p_success,
    "1/N": 1 / N,
    r"\hat{y}^{(i)}": yhat[i],
    r"\hat{y}_{(i,k)}": nt.yhat_rows[i, k],
    "y^{(i)}": y[i],
    "y_{(i,k)}": nt.y_onehot[i, k],
    "p(x)": nt.p_success,
    "q(x)": nt.q_failure,
    "p(x_0)": nt.p_event,
    r"p(x|\theta)": sp.Function("p", real=True)(nt.x, nt.theta),
}
INLINE_RELATIONS = {
    "Y = 1": (nt.Y, "=", sp.Integer(1)),
    r"p(Y = 1) = \beta": (sp.Function("p", real=True)(1), "=", nt.beta),
}
INLINE_REFUSED = {  # text -> why it is refused (part of the message)
    r"D = \{y_1, y_2, \dots, y_n\}": "set braces",
    r"X = \{x_1, x_2, \dots, x_n\}": "set braces",
    r"Y \in \{0, 1\}": r"\in",
    r"x_i \in X": r"\in",
    "[1,0,0,0]": "','",
    "[0.7,0.1,0.1,0.1]": "','",
}


@pytest.mark.parametrize("latex", list(INLINE))
def test_inline_formulas(latex):
    assert parse(latex) == INLINE[latex]


@pytest.mark.parametrize("latex", list(INLINE_RELATIONS))
def test_inline_relations(latex):
    assert parse_relation(latex) == INLINE_RELATIONS[latex]


@pytest.mark.parametrize("latex", list(INLINE_REFUSED))
def test_inline_formulas_refused(latex):
    with pytest.raises(ParseError) as info:
        parse_chain(latex)
    assert INLINE_REFUSED[latex] in info.value.message
    assert info.value.column is not None


# --------------------------------------------------------------------------------------
# The notation layer
# --------------------------------------------------------------------------------------
NOTATION = [
    (r"\log x", log(nt.x)),  # natural log, not base 10
    (r"\ln x", log(nt.x)),
    (r"\log_{2} x", log(nt.x) / log(2)),
    (r"y^{(i)}", y[i]),  # sample i, not a power
    (r"\hat{y}^{(i)}", yhat[i]),
    (r"y_i", y[i]), (r"y_n", y[n]), (r"y_{1}", y[1]),
    (r"\hat{y}_i", yhat[i]), (r"\hat{y}_{n}", yhat[n]),
    (r"y_{(i,k)}", nt.y_onehot[i, k]), (r"y_{i,k}", nt.y_onehot[i, k]),
    (r"\hat{y}_{(i,k)}", nt.yhat_rows[i, k]), (r"\hat{y}_{i,k}", nt.yhat_rows[i, k]),
    (r"p(x_i)", p[i]), (r"q(x_{i})", q[i]), (r"p(x_{1})", p[1]), (r"p(x_{2})", p[2]),
    (r"p(x_0)", nt.p_event), (r"I(x_0)", InformationContent(nt.p_event)),
    (r"I(p(x_0))", InformationContent(nt.p_event)),
    (r"p_{\theta}(Y = 1 | x_i)", nt.p_theta[i]),
    (r"p_{\theta}(Y = 1 | x_{i})", nt.p_theta[i]),
    (r"p_{\theta}(Y = 1 \mid x_i)", nt.p_theta[i]),
    (r"H(p, q)", CrossEntropy(p, q)), (r"H(p(x), q(x))", CrossEntropy(p, q)),
    (r"H(p)", Entropy(p)), (r"H(p(x))", Entropy(p)), (r"H(X)", Entropy(p)),
    (r"D_{KL}(p||q)", KLDivergence(p, q)), (r"D_{KL}(p \| q)", KLDivergence(p, q)),
    (r"H(y_i, \hat{y}_i)", BinaryCrossEntropy(y[i], yhat[i])),
    (r"H(y_{i}, \hat{y}_{i})", BinaryCrossEntropy(y[i], yhat[i])),
    (r"\beta", nt.beta),
    (r"\beta^{Y} (1 - \beta)^{1 - Y}", nt.beta**nt.Y * (1 - nt.beta)**(1 - nt.Y)),
    (r"p^x(1-p)^{1-x}", nt.p_success**nt.x * (1 - nt.p_success)**(1 - nt.x)),
    (r"p(1 - p)", nt.p_success * (1 - nt.p_success)),  # a product, not p applied
    (r"\left( 1 - \hat{y}_i \right)", 1 - yhat[i]), (r"\left[ y_i \right]", y[i]),
    (r"[1 - y_i]", 1 - y[i]),
    (r"\log\left(1 - \hat{y}_{i}\right)", log(1 - yhat[i])),
    (r"\log p(x_{i})", log(p[i])),
    (r"p(x_{i}) \log q(x_{i})", p[i] * log(q[i])),
    (r"\log a b + c", log(sp.Symbol("a", real=True) * sp.Symbol("b", real=True))
     + sp.Symbol("c", real=True)),
    (r"\frac{1}{N}", 1 / N),
    (r"- \frac{1}{N} \sum_{i=1}^{N} y_{i}", -sp.Sum(y[i], (i, 1, N)) / N),
    (r"\prod_{i=1}^{N} \beta^{y_{i}}", sp.Product(nt.beta**y[i], (i, 1, N))),
    (r"\sum_{i=1}^{N} \left[ y_{i} \log \hat{y}_{i} + \left(1 - y_{i}\right) "
     r"\log\left(1 - \hat{y}_{i}\right) \right]",
     sp.Sum(y[i] * log(yhat[i]) + (1 - y[i]) * log(1 - yhat[i]), (i, 1, N))),
    (r"\sum_{n=1}^N y_n", sp.Sum(y[n], (n, 1, N))),
    (r"\begin{cases} p & \text{if } x = 1 \\ 1 - p & \text{if } x = 0 \end{cases}",
     sp.Piecewise((nt.p_success, sp.Eq(nt.x, 1)), (1 - nt.p_success, sp.Eq(nt.x, 0)))),
    (r"\begin{cases} 1 & \text{if } x = 1 \\ 0 & \text{otherwise} \end{cases}",
     sp.Piecewise((1, sp.Eq(nt.x, 1)), (0, True))),
    (r"f(x)", sp.Function("f", real=True)(nt.x)),
    (r"z", sp.Symbol("z", real=True)),
    (r"2^{10} x", 1024 * nt.x),
    (r"0.5 x", sp.Rational(1, 2) * nt.x),
    # binomial coefficients, the sigmoid, exponentials of logits
    (r"\binom{m}{x}", sp.binomial(sp.Symbol("m", real=True), nt.x)),
    (r"p^{x} {\binom{1}{x}} \left(1 - p\right)^{1 - x}",
     sp.binomial(1, nt.x) * nt.p_success**nt.x * (1 - nt.p_success)**(1 - nt.x)),
    (r"\binom{4}{2}", sp.Integer(6)), (r"\dbinom{n}{2}", sp.binomial(n, 2)),
    (r"\sigma(z)", Sigmoid(sp.Symbol("z", real=True))),
    (r"\sigma(z) - Y", Sigmoid(sp.Symbol("z", real=True)) - nt.Y),
    (r"\sigma", sp.Symbol("sigma", real=True)),  # without brackets: just the letter
    (r"H(Y, \sigma(z))", BinaryCrossEntropy(nt.Y, Sigmoid(sp.Symbol("z", real=True)))),
    (r"e^{z_{1}}", sp.exp(sp.IndexedBase("z", real=True)[1])),
    (r"\frac{e^{z_{1}}}{e^{z_{1}} + e^{z_{2}}}",
     sp.exp(sp.IndexedBase("z", real=True)[1])
     / (sp.exp(sp.IndexedBase("z", real=True)[1]) + sp.exp(sp.IndexedBase("z", real=True)[2]))),
    # Gibbs' inequality and the entropy bound
    (r"\left(t - 1 - \log t\right)",
     sp.Symbol("t", real=True) - 1 - log(sp.Symbol("t", real=True))),
    (r"\frac{1}{n p(x_{i})}", 1 / (n * p[i])), (r"\log n", log(n)),
    (r"\log n + \sum_{i=1}^{n} p(x_{i}) \log\left(\frac{1}{n p(x_{i})}\right)",
     log(n) + sp.Sum(p[i] * log(1 / (n * p[i])), (i, 1, n))),
    # information content of a product of probabilities
    (r"I(a b)", InformationContent(sp.Symbol("a", real=True) * sp.Symbol("b", real=True))),
    (r"I(a) + I(b)", InformationContent(sp.Symbol("a", real=True))
     + InformationContent(sp.Symbol("b", real=True))),
]


@pytest.mark.parametrize("latex,expected", NOTATION, ids=[t for t, _ in NOTATION])
def test_notation(latex, expected):
    assert parse(latex) == expected


# --------------------------------------------------------------------------------------
# Derivatives
# --------------------------------------------------------------------------------------
_x, _z = nt.x, sp.Symbol("z", real=True)
_zs, _ts = sp.IndexedBase("z", real=True), sp.IndexedBase("t", real=True)
DERIVATIVES = [
    (r"\frac{d}{d p} \left(- p \log p - \left(1 - p\right) \log\left(1 - p\right)\right)",
     sp.Derivative(-nt.p_success * log(nt.p_success)
                   - (1 - nt.p_success) * log(1 - nt.p_success), nt.p_success)),
    (r"\frac{\partial}{\partial z} H(Y, \sigma(z))",
     sp.Derivative(BinaryCrossEntropy(nt.Y, Sigmoid(_z)), _z)),
    (r"\frac{\partial}{\partial z_{1}} \left(- t_{1} \log\left(\frac{e^{z_{1}}}{e^{z_{1}} + "
     r"e^{z_{2}}}\right)\right)",
     sp.Derivative(-_ts[1] * log(sp.exp(_zs[1]) / (sp.exp(_zs[1]) + sp.exp(_zs[2]))), _zs[1])),
    # the operator takes the whole product after it, as the printer writes it
    (r"\frac{d}{d x} 2 x", sp.Derivative(2 * _x, _x)),
    (r"2 \frac{d}{d x} x z + 1", 2 * sp.Derivative(_x * _z, _x) + 1),
    (r"\left(\frac{d}{d x} x\right) z", sp.Derivative(_x, _x) * _z),
    (r"\frac{d}{dp} \log p - 1", sp.Derivative(log(nt.p_success), nt.p_success) - 1),
    (r"\frac{d^{2}}{d x^{2}} x^{3}", sp.Derivative(_x**3, (_x, 2))),
    (r"\frac{d^2}{dx^2} x^{3}", sp.Derivative(_x**3, (_x, 2))),
    (r"\frac{\partial^{2}}{\partial z\partial x} x z", sp.Derivative(_x * _z, _x, _z)),
    (r"\frac{\mathrm{d}}{\mathrm{d} \theta} \theta^{2}",
     sp.Derivative(nt.theta**2, nt.theta)),
    (r"\dfrac{d}{d\,x} x", sp.Derivative(_x, _x)),
]


@pytest.mark.parametrize("latex,expected", DERIVATIVES, ids=[t for t, _ in DERIVATIVES])
def test_derivatives(latex, expected):
    value = parse(latex)
    assert value == expected
    assert value.atoms(sp.Derivative)  # unevaluated


def test_derivative_printer_output_reads_back():
    printer = pytest.importorskip("xentsym.render.printer")
    y_ = sp.Symbol("y", real=True)
    for expr in [sp.Derivative(_x**2 * y_**3, _x, 2, y_), sp.Derivative(2 * _x, _x),
                 sp.Derivative(log(_x), _x) * y_, sp.Derivative(_x * y_, _x) ** 2,
                 -sp.Derivative(_x * y_, _x), sp.Derivative(sp.exp(_zs[1]) * _ts[2], _zs[1]),
                 sp.Derivative(sp.Sum(p[i] * log(q[i]), (i, 1, n)), q[1]),
                 sp.Derivative(sp.binomial(n, 2) * Sigmoid(_z), _z)]:
        text = printer.latex(expr)
        assert parse(text) == expr, text


def test_a_fraction_that_only_looks_like_a_derivative_stays_a_fraction():
    d = sp.IndexedBase("d", real=True)
    assert parse(r"\frac{d_1}{d_2}") == d[1] / d[2]
    assert parse(r"\frac{d}{2 d}") == sp.Rational(1, 2)
    assert parse(r"\frac{d}{d (x + 1)}") == 1 / (nt.x + 1)


DERIVATIVES_REFUSED = [  # (latex, column, part of the message)
    (r"\frac{d -y}{dx} x", 9, "write a derivative"),  # d(yz)/dx is read: the fraction groups
    (r"\frac{d}{dx}", 1, "ends with an operator"),
    (r"\frac{d}{d x} + 1", 15, "brackets"),
    (r"\frac{d}{d x} -x", 15, "brackets"),
    (r"\frac{\partial}{\partial 2} x", 17, "variable is missing"),
    (r"\frac{\partial}{\partial} x", 17, "variable is missing"),
    (r"\frac{\partial}{\partial x d y} x", 28, r"needs \partial"),
    (r"\frac{d}{d e} x", 12, "with respect to a variable, not E"),
    (r"\frac{d}{d \pi} x", 12, r"not \pi"),
    (r"\frac{\partial}{\partial x(1)} x", 27, r"needs \partial"),
    (r"\frac{d^{2}}{d x} x", 1, "order"),
    (r"\frac{d^{x}}{d x} x", 8, "whole number"),
    (r"\frac{d^{20}}{d x^{20}} x", 1, "order above"),
    (r"\partial x", 1, r"\partial is only read"),
    (r"\frac{\partial}{d x} x", 7, r"\partial"),
    (r"\nabla x", 1, r"\nabla"),
]


@pytest.mark.parametrize("latex,column,message", DERIVATIVES_REFUSED,
                         ids=[b[0] for b in DERIVATIVES_REFUSED])
def test_bad_derivatives_are_located_parse_errors(latex, column, message):
    with pytest.raises(ParseError) as info:
        parse(latex)
    err = info.value
    assert err.column is not None
    if column is not None:
        assert err.column == column, err.message
    assert message in err.message


def test_binomial_and_sigmoid_limits():
    with pytest.raises(ParseError) as info:
        parse(r"\binom{1000}{500}")
    assert "binomial" in info.value.message and info.value.column == 1
    with pytest.raises(ParseError) as info:
        parse(r"\binom{m}{10^{40}}")
    assert "binomial" in info.value.message
    with pytest.raises(ParseError) as info:
        parse(r"x + \binom{m}")
    assert "missing" in info.value.message and info.value.column == 5
    with pytest.raises(ParseError) as info:
        parse(r"\sigma(a, b)")
    assert "sigmoid" in info.value.message


def test_relations_of_the_entropy_bound():
    t = sp.Symbol("t", real=True)
    assert parse_relation(r"\log t \le t - 1") == (log(t), "<=", t - 1)
    assert parse_relation(r"H(p) \le \log n") == (Entropy(p), "<=", log(n))


# --------------------------------------------------------------------------------------
# bind: names read from text, bound to a derivation's declarations
# --------------------------------------------------------------------------------------
def test_bind_maps_names_to_the_declared_objects():
    a, b = sp.Symbol("a", positive=True), sp.Symbol("b", positive=True)
    m = sp.Symbol("m", integer=True, positive=True)
    labels = sp.IndexedBase(sp.Symbol("t", real=True))  # declared without assumptions
    scope = nt.LECTURE.extended([Declaration(a, PROBABILITY), Declaration(b, PROBABILITY),
                                 Declaration(m, SIZE), Declaration(labels, ONE_HOT, (K,))])
    assert bind(parse(r"I(a b)"), scope) == InformationContent(a * b)
    assert bind(parse(r"\binom{m}{x}"), scope) == sp.binomial(m, nt.x)
    assert bind(parse(r"t_{1} + t_{2}"), scope) == labels[1] + labels[2]
    # without bind the names are other objects, and the proof fails
    assert prove_equal(parse(r"- \log a"), -log(a), scope).status != "proved"
    assert prove_equal(bind(parse(r"- \log a"), scope), -log(a), scope).status == "proved"
    # lecture names already are the declared objects; bound indices are left alone
    assert bind(parse(r"\sum_{i=1}^{n} p(x_i)"), scope) == sp.Sum(p[i], (i, 1, n))
    obj = bind(parse_objective(r"\arg\max_{a} \log a"), scope)
    assert obj.wrt == (a,) and obj.expr == log(a)


def test_bind_leaves_family_labels_and_ambiguous_names_alone():
    zs = sp.IndexedBase(sp.Symbol("z", real=True), real=True)
    z_positive = sp.Symbol("z", positive=True)
    scope = nt.LECTURE.extended([Declaration(z_positive, PROBABILITY),
                                 Declaration(zs, REAL, (K,))])
    value = bind(parse(r"z + z_{1}"), scope)
    assert value == z_positive + zs[1]  # the family's label stays a real z
    two = nt.LECTURE.extended([Declaration(sp.Symbol("c", positive=True), PROBABILITY),
                               Declaration(sp.Symbol("c", integer=True), SIZE)])
    assert bind(parse("c"), two) == sp.Symbol("c", real=True)  # ambiguous: unchanged


def test_printer_output_reads_back():
    printer = pytest.importorskip("xentsym.render.printer")
    for name, formula in FORMULAS.items():
        text = printer.latex(formula.expr)
        assert proved(parse(text), formula.expr), (name, text)


def test_summation_index_n_is_the_index_inside_its_sum():
    # J(w) sums over n; outside a sum, n is the number of outcomes.
    inside = parse(r"\sum_{n=1}^N n")
    assert inside == sp.Sum(n, (n, 1, N))
    assert inside.free_symbols == {N}
    outside = parse(r"\sum_{i=1}^N n")
    assert outside.free_symbols == {N, n}
    other = parse(r"\sum_{t=1}^{T} t x_t")
    (var, lo, hi), = other.limits
    assert var.name == "t" and var in other.function.free_symbols
    assert var not in other.free_symbols  # t is bound ...
    assert sp.Symbol("T", real=True) in other.free_symbols  # ... T is not


def test_lecture_sum_over_n_equals_sum_over_i():
    over_n = parse(r"\sum_{n=1}^N [y_n \log \hat{y}_n + (1 - y_n) \log(1 - \hat{y}_n)]")
    over_i = parse(r"\sum_{i=1}^N [y_i \log \hat{y}_i + (1 - y_i) \log(1 - \hat{y}_i)]")
    assert proved(over_n, over_i)


def test_log_of_bracketed_power_is_log_of_the_power():
    expr, warnings = parse_with_warnings(r"\log (1 - \beta)^{1 - Y}")
    assert expr == log((1 - nt.beta)**(1 - nt.Y))
    assert len(warnings) == 1
    assert parse(r"\left(\log x\right)^{2}") == log(nt.x)**2


def test_objectives():
    obj = parse_objective(r"\arg\max_{\theta} \sum_{i=1}^N y_i \log \hat{y}_i")
    assert obj.sense == "max" and obj.wrt == (nt.theta,) and obj.wrt_latex == r"\theta"
    assert obj.expr == sp.Sum(y[i] * log(yhat[i]), (i, 1, N))
    assert parse_objective(r"\arg \min_{\theta} - x").sense == "min"
    assert parse_objective(r"\operatorname*{arg\,min}_{\theta} x").sense == "min"
    with pytest.raises(ParseError):
        parse(r"\arg\max_{\theta} x")  # an optimiser is not a value
    with pytest.raises(ParseError):
        parse_objective("x + 1")


def test_relations():
    lhs, rel, rhs = parse_relation(r"H(p, q) = H(p) + D_{KL}(p || q)")
    assert (lhs, rel) == (CrossEntropy(p, q), "=")
    assert rhs == Entropy(p) + KLDivergence(p, q)
    assert parse_relation(r"D_{KL}(p||q) \ge 0")[1] == ">="
    with pytest.raises(ParseError) as info:
        parse(r"x = 1")
    assert info.value.column == 3
    with pytest.raises(ParseError):
        parse_relation("x")


# --------------------------------------------------------------------------------------
# (5) case matters
# --------------------------------------------------------------------------------------
def test_case_sensitivity():
    assert parse("N") == N and parse("n") == n and N != n
    assert parse("Y") == nt.Y
    assert parse("y") == sp.Symbol("y", real=True) != nt.Y
    assert parse(r"\frac{1}{N}") != parse(r"\frac{1}{n}")
    assert parse(r"\sum_{i=1}^N y_i") != parse(r"\sum_{i=1}^n y_i")
    assert parse("K k") == K * k
    assert parse("P(Y | \\beta)").func != parse("p(x | \\beta)").func
    both = parse("N - n + Y - y")
    assert {N, n, nt.Y, sp.Symbol("y", real=True)} <= both.free_symbols


# --------------------------------------------------------------------------------------
# (3) bad input: a ParseError with a column, quickly
# --------------------------------------------------------------------------------------
BAD = [  # (latex, expected column or None for "any", part of the message)
    (r"\frac{1}{N", 9, "unbalanced"),
    (r"x + )", 5, "unbalanced"),
    (r"\left( x \right]", 10, "match"),
    (r"\begin{cases} 1 & x = 1", 1, "never closed"),
    (r"\foo x", 1, "unknown"),
    (r"\sin x", 1, "unknown"),
    (r"a \approx b", 3, r"\approx"),
    (r"a \propto b", 3, r"\propto"),
    (r"\nabla J(w)", 1, r"\nabla"),
    (r"w^T x", 2, "transpose"),
    (r"w^{\top} x", 2, "transpose"),
    (r"x \in X", 3, r"\in"),
    (r"\{1, 2\}", 1, "set braces"),
    (r"10^{10^{10}}", None, "not computed"),
    (r"2^{2^{2^{2^{2^{2}}}}}", None, "not computed"),
    (r"(10^{999})^{999}", None, "not computed"),
    (r"x^{100000}", None, "exponent"),
    (r"99999!", None, "factorial"),
    (r"(10^{3})!", None, "factorial"),
    ("1" * 60, 1, "numeral"),
    ("x+" * 3000 + "x", MAX_LENGTH + 1, "longer"),
    ("(" * (MAX_DEPTH + 10) + "x" + ")" * (MAX_DEPTH + 10), MAX_DEPTH + 1, "nested"),
    ("x " * 300, None, "factors"),
    ("\x00\x01\x02\xff\xfe", 1, "control"),
    (bytes(range(256)).decode("latin-1"), 1, "control"),
    ("x + \u03b2", 5, "unexpected character"),
    ("$x$", 1, "$"),
    ("", None, "empty"),
    ("   ", None, "empty"),
    ("x +", 3, "missing"),
    (r"\sum_{i+1} x_i", 1, "bounds"),
    (r"\sum_{i=1}^{N}", 1, ""),
    (r"\frac{1}{}", None, ""),
    (r"x_", 2, "missing"),
    (r"_i", 1, "subscript"),
    (r"a, b", 2, "','"),
    (r"|x|", 1, "'|'"),
    (r"x'", 2, "prime"),
    (r"H(x, y, z)", None, "H(...)"),
    (r"D_{KL}(p)", None, "D_{KL}"),
    (r"\text{hello world}", 1, "text"),
    (r"\mathbb{E}[x]", 1, r"\mathbb"),
    ("\\", 1, "backslash"),
    (r"\left\{ x \right\}", 1, ""),
    (r"\begin{matrix} 1 \end{matrix}", 1, "matrix"),
    (r"x \dots y", 3, "ellipsis"),
    (r"x / / y", None, "cannot read"),
]


@pytest.mark.parametrize("latex,column,message", BAD, ids=[repr(b[0][:30]) for b in BAD])
def test_bad_input_is_a_located_parse_error(latex, column, message):
    start = time.perf_counter()
    with pytest.raises(ParseError) as info:
        parse(latex)
    assert time.perf_counter() - start < 2.0
    err = info.value
    assert err.column is not None and err.column >= 1
    if column is not None:
        assert err.column == column, err.message
    assert message.lower() in err.message.lower() or message in err.message
    assert "Traceback" not in err.one_line()


def test_error_location_is_offset_by_the_given_position():
    with pytest.raises(ParseError) as info:
        parse(r"x + \foo", file="notes.md", line=7, column=10)
    err = info.value
    assert (err.file, err.line, err.column) == ("notes.md", 7, 14)
    assert err.one_line().startswith("notes.md:7:14: error:")
    with pytest.raises(ParseError) as info:
        parse_chain("x\n= \\foo", line=3, column=5)
    assert (info.value.line, info.value.column) == (4, 3)


def test_big_but_harmless_input_is_fast():
    start = time.perf_counter()
    assert parse("+".join(["x"] * 1200)) == 1200 * nt.x
    nested = parse("(" * 45 + "x" + ")" * 45)
    assert nested == nt.x
    assert parse(r"\frac{" * 20 + "x" + "}{2}" * 20) == nt.x / 2**20
    assert time.perf_counter() - start < 5.0


def test_random_fragments_never_escape_as_other_exceptions():
    rng = random.Random(1234)
    sources = [f.latex for f in FORMULAS.values()] + [p.values[0] for p in DISPLAY] + \
        [latex for latex, _ in DERIVATIVES]
    for _ in range(250):
        src = rng.choice(sources)
        a, b = sorted(rng.sample(range(len(src) + 1), 2))
        fragment = src[a:b]
        if rng.random() < 0.3:
            c = rng.randrange(len(fragment) + 1)
            fragment = fragment[:c] + rng.choice("{}()[]^_\\|&=,") + fragment[c:]
        try:
            parse_chain(fragment)
        except ParseError as err:
            assert err.column is not None and err.message


# --------------------------------------------------------------------------------------
# (4) the text never reaches eval / exec / sympify / parse_expr
# --------------------------------------------------------------------------------------
HOSTILE = [
    r"\text{__import__('os').system('echo hi')}",
    r"\mathrm{__import__('os').system('echo hi')}",
    r"\begin{cases} 1 & \text{if __import__('os').system('echo hi')} \end{cases}",
    r"\__import__{os}",
    r"x + \system{echo hi}",
    "__import__('os').system('echo hi')",
    "exec('import os')",
    r"f(__import__)",
    r"\text{lambda: 1}",
    r"P(Y = \text{__import__('os')} | \beta)",
]


def test_text_is_never_evaluated(monkeypatch, capfd):
    import latex2sympy2_extended.latex2sympy2  # noqa: F401  (loaded before patching)
    import sympy.parsing.sympy_parser  # noqa: F401
    sympify_module = sys.modules["sympy.core.sympify"]
    parser_module = sys.modules["sympy.parsing.sympy_parser"]

    calls = []
    real_sympify = sympify_module.sympify
    real_parse_expr = parser_module.parse_expr

    def spy_sympify(a, *args, **kwargs):
        if isinstance(a, str):
            calls.append(("sympify", a))
        return real_sympify(a, *args, **kwargs)

    def spy_parse_expr(s, *args, **kwargs):
        calls.append(("parse_expr", s))
        raise AssertionError("parse_expr called")

    def spy_eval(*args, **kwargs):
        calls.append(("eval", args[:1]))
        raise AssertionError("eval called")

    def spy_exec(*args, **kwargs):
        calls.append(("exec", args[:1]))
        raise AssertionError("exec called")

    for module in list(sys.modules.values()):
        if getattr(module, "sympify", None) is real_sympify:
            monkeypatch.setattr(module, "sympify", spy_sympify, raising=False)
        if getattr(module, "parse_expr", None) is real_parse_expr:
            monkeypatch.setattr(module, "parse_expr", spy_parse_expr, raising=False)
    monkeypatch.setattr(sp, "sympify", spy_sympify)
    monkeypatch.setattr(builtins, "eval", spy_eval)
    monkeypatch.setattr(builtins, "exec", spy_exec)
    # the spies are in place (this check could fail)
    sys.modules["latex2sympy2_extended.latex2sympy2"].parse_expr is spy_parse_expr or \
        pytest.fail("parse_expr of latex2sympy2 not patched")
    with pytest.raises(AssertionError):
        sp.sympify("1")
    with pytest.raises(AssertionError):
        eval("1")
    assert [c[0] for c in calls] == ["sympify", "parse_expr", "eval"]
    calls.clear()

    # a word name applied to brackets is an inert undefined function, never looked up
    assert type(parse(r"\operatorname{eval}(x)")).__name__ == "eval"
    assert isinstance(parse(r"\operatorname{eval}(x)"), AppliedUndef)
    texts = HOSTILE + [f.latex for f in FORMULAS.values()] + [p.values[0] for p in DISPLAY] + \
        [latex for latex, _ in DERIVATIVES] + [r"\binom{m}{x} \sigma(z)"]
    for text in texts:
        try:
            parse_chain(text)
        except ParseError:
            pass
    for text in HOSTILE:
        with pytest.raises(ParseError):
            parse_chain(text)
    assert calls == []
    assert "hi" not in capfd.readouterr().out


def test_document_names_become_plain_symbols():
    expr = parse(r"\mathcal{L}(\theta; X, D) + z_i + w")
    for atom in expr.atoms(sp.Symbol):
        assert type(atom) is sp.Symbol
    indexed = [a for a in expr.atoms(sp.Indexed)]
    assert indexed and all(type(a.base) is sp.IndexedBase for a in indexed)


def test_a_part_dropped_by_latex2sympy_is_an_error(monkeypatch):
    import xentsym.read.bridge as bridge_module

    def lossy(text):  # a reader that keeps only the first placeholder
        name = re.search(r"\\variable\{(\w+)\}", text).group(1)
        return sp.Symbol(name)

    monkeypatch.setattr(bridge_module, "_call_latex2sympy", lossy)
    with pytest.raises(ParseError) as info:
        parse(r"a \cdot b")
    assert "lost" in info.value.message and info.value.column == 9
