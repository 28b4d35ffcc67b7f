"""Written-out sums and products, sums that leave one index out, hyperbolic functions and the
derivative operator \\partial_z: read, then checked end to end."""
from __future__ import annotations

import pytest
import sympy as sp

from xentsym.checkdoc import check_document
from xentsym.errors import ParseError
from xentsym.parse import parse
from xentsym.read.lecture_preset import PLAIN_NAMES, index_symbol
from xentsym.read.ranges import RangeSize
from xentsym.verify import Options

i = index_symbol("i")
n, N, K = (PLAIN_NAMES.scalars[c] for c in "nNK")
fam = PLAIN_NAMES.family
a, b, x, w, y = (fam(c) for c in "abxwy")
p, yhat = PLAIN_NAMES.sample_families["p"], PLAIN_NAMES.sample_families["yhat"]
c_, d_ = sp.symbols("c d", real=True)


def read(src):
    return parse(src, plain=True)


def statuses(tmp_path, text):
    path = tmp_path / "doc.md"
    path.write_text(text, encoding="utf-8")
    return {s.line: s for s in check_document(str(path), Options(samples=300)).steps}


def assert_checked(steps, true_lines, false_lines):
    assert sorted(steps) == sorted(true_lines + false_lines)
    for line in true_lines:
        assert steps[line].status == "verified", (line, steps[line].message)
    for line in false_lines:  # refuted, or shown false for a function the text leaves open
        assert steps[line].status != "verified", line
        assert "counterexample" in steps[line].message, (line, steps[line].message)


# ----- written-out sums and products ----------------------------------------------------------
@pytest.mark.parametrize("src, want", [
    (r"a_1 + a_2 + \cdots + a_n", sp.Sum(a[i], (i, 1, n))),
    (r"x_1 + \ldots + x_n", sp.Sum(x[i], (i, 1, n))),
    (r"p_1 \log p_1 + \dots + p_n \log p_n", sp.Sum(p[i] * sp.log(p[i]), (i, 1, n))),
    (r"-\left(p_1 \log p_1 + p_2 \log p_2 + \cdots + p_n \log p_n\right)",
     -sp.Sum(p[i] * sp.log(p[i]), (i, 1, n))),
    (r"\log a_1 + \log a_2 + \cdots + \log a_n", sp.Sum(sp.log(a[i]), (i, 1, n))),
    (r"w_1 x_1 + w_2 x_2 + \cdots + w_d x_d", sp.Sum(w[i] * x[i], (i, 1, d_))),
    (r"c + a_1 + a_2 + \cdots + a_{n} + d", c_ + d_ + sp.Sum(a[i], (i, 1, n))),
    (r"1 + 2 + \cdots + n", sp.Sum(i, (i, 1, n))),
    (r"-a_1 - a_2 - \cdots - a_n", -sp.Sum(a[i], (i, 1, n))),
    (r"a_0 + a_1 + \cdots + a_{n-1}", sp.Sum(a[i], (i, 0, n - 1))),
    (r"a_{1,1} + a_{2,2} + \cdots + a_{n,n}", sp.Sum(a[i, i], (i, 1, n))),
    (r"1 + x + x^2 + \cdots + x^n", 1 + sp.Symbol("x", real=True)
     + sp.Sum(sp.Symbol("x", real=True) ** i, (i, 2, n))),
    (r"y_1 y_2 \cdots y_N", sp.Product(y[i], (i, 1, N))),
    (r"\hat{y}_1 \hat{y}_2 \cdots \hat{y}_K", sp.Product(yhat[i], (i, 1, K))),
])
def test_a_written_out_sum_is_the_sum_it_spells(src, want):
    assert read(src) == want


@pytest.mark.parametrize("src, why", [
    (r"a_1 + b_2 + \cdots + a_n", "do not follow one pattern"),
    (r"a_1 + a_3 + \cdots + a_n", "count up by one"),
    (r"a_2 + a_4 + \cdots + a_{2n}", "count up by one"),
    (r"a_1 b_2 + a_2 b_3 + \cdots + a_n b_n", "do not follow one pattern"),
    (r"a_1 x^2 + a_2 x^2 + \cdots + a_n x^n", "do not follow one pattern"),
    (r"a + a + \cdots + a", "do not follow one pattern"),
    (r"a_1 + \cdots", "the last term after it"),
    (r"\cdots + a_n", "written terms before it"),
    (r"a_1 + a_2 - \cdots - a_n", "one sign"),
    (r"y_1 (1 + y_2) \cdots y_N", "one written pattern"),
])
def test_an_ellipsis_without_one_pattern_is_a_located_error(src, why):
    with pytest.raises(ParseError, match=why):
        read(src)


WRITTEN = r"""# Written out

$p$ is a distribution over $n$ outcomes and the $a_i$ are positive.

$$-\sum_{i=1}^{n} p_i \log p_i = -\left(p_1 \log p_1 + p_2 \log p_2 + \cdots + p_n \log p_n\right)$$

$$\sum_{i=1}^{n} \log a_i = \log a_1 + \log a_2 + \cdots + \log a_n$$

$$\sum_{i=1}^{n} a_i^2 = a_1 + a_2 + \cdots + a_n$$

$$\log \left(a_1 a_2 \cdots a_n\right) = \sum_{i=1}^{n} \log a_i$$

$$\prod_{i=1}^{n} a_i = a_1 + a_2 + \cdots + a_n$$
"""


def test_written_out_sums_are_checked(tmp_path):
    assert_checked(statuses(tmp_path, WRITTEN), [5, 7, 11], [9, 13])


# ----- sums that leave one index out --------------------------------------------------------
k = index_symbol("k")
j = index_symbol("j")
N_k, N_j = RangeSize("N_k"), RangeSize("N_j")


@pytest.mark.parametrize("src, want", [
    (r"\sum_{k \neq i} y_k", sp.Sum(y[k], (k, 1, N_k)) - y[i]),
    (r"\sum_{k \ne i} y_k", sp.Sum(y[k], (k, 1, N_k)) - y[i]),
    (r"\sum_{j \neq k} a_j", sp.Sum(a[j], (j, 1, N_j)) - a[k]),
    (r"\sum_{k=1, k\neq i}^{K} y_k", sp.Sum(y[k], (k, 1, K)) - y[i]),
    (r"\sum_{k \neq i, k=1}^{K} y_k", sp.Sum(y[k], (k, 1, K)) - y[i]),
    (r"\sum_{k=1,\, k \neq i}^{K} a_k b_i", sp.Sum(a[k] * b[i], (k, 1, K)) - a[i] * b[i]),
])
def test_a_sum_that_leaves_an_index_out_is_the_whole_sum_minus_that_term(src, want):
    assert read(src) == want


@pytest.mark.parametrize("src, why", [
    (r"\sum_{k=1, j \neq i}^{K} y_k", "same index"),
    (r"\prod_{k \neq i} y_k", r"only \\sum"),
    (r"\sum_{k \neq} y_k", "index left out"),
    (r"\sum_{k \neq i, k \neq j} y_k", "index left out"),
])
def test_a_left_out_index_that_is_not_one_index_is_a_located_error(src, why):
    with pytest.raises(ParseError, match=why):
        read(src)


LEFT_OUT = r"""# One index left out

$$\sum_{k=1}^{K} a_k = a_i + \sum_{k=1, k \neq i}^{K} a_k$$

$$a_i + \sum_{k=1}^{K} a_k = \sum_{k=1, k \neq i}^{K} a_k$$

$$\sum_{k} y_k \hat{y}_i = y_i \hat{y}_i + \hat{y}_i \sum_{k \neq i} y_k$$

$$y_i + \sum_{k} y_k = \sum_{k \neq i} y_k$$
"""


def test_sums_that_leave_an_index_out_are_checked(tmp_path):
    assert_checked(statuses(tmp_path, LEFT_OUT), [3, 7], [5, 9])


# ----- hyperbolic functions, \partial_z ---------------------------
z, u, theta = sp.symbols("z u theta", real=True)


@pytest.mark.parametrize("src, want", [
    (r"\tanh\frac{z}{2}", sp.tanh(z / 2)),
    (r"\frac{1}{2}\left(1 + \tanh \frac{z}{2}\right)", (1 + sp.tanh(z / 2)) / 2),
    (r"\tanh(u)", sp.tanh(u)),
    (r"2 \sinh z \cosh u", 2 * sp.sinh(z) * sp.cosh(u)),
    (r"\partial_z \log\left(1 + e^{z}\right)", sp.Derivative(sp.log(1 + sp.exp(z)), z)),
    (r"\partial_{z_i} L", sp.Derivative(sp.Symbol("L", real=True), fam("z")[i])),
    (r"\partial_\theta^2 f(\theta)", sp.Derivative(sp.Function("f", real=True)(theta),
                                                   (theta, 2))),
    (r"2 \partial_u u^{3}", 2 * sp.Derivative(u ** 3, u)),
])
def test_functions_and_operators(src, want):
    assert read(src) == want


@pytest.mark.parametrize("src, why", [
    (r"\tanh^{2} z", "power"),  # (tanh z)^2 or, for ^{-1}, the inverse: not guessed
    (r"\max_k z_k", "as values"),
    (r"\max(a, b)", "as values"),  # the checks do not evaluate Max yet
    (r"\partial^2 f", "variable of"),
    (r"\partial_z", "nothing to differentiate"),
])
def test_what_these_do_not_read_is_a_located_error(src, why):
    with pytest.raises(ParseError, match=why):
        read(src)


FUNCTIONS = r"""# Hyperbolic functions and \partial

$$\frac{1}{1 + e^{-z}} = \frac{1}{2}\left(1 + \tanh \frac{z}{2}\right)$$

$$\frac{1}{1 + e^{-z}} = \frac{1}{2}\left(1 - \tanh \frac{z}{2}\right)$$

$$\cosh(u)^{2} - \sinh(u)^{2} = 1$$

$$\partial_z \log\left(1 + e^{z}\right) = \frac{1}{1 + e^{-z}}$$

$$\partial_z \log\left(1 + e^{z}\right) = \frac{1}{1 + e^{z}}$$
"""


def test_functions_and_partial_are_checked(tmp_path):
    assert_checked(statuses(tmp_path, FUNCTIONS), [3, 7, 9], [5, 11])
